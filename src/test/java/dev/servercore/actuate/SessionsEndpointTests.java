package dev.servercore.actuate;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.servercore.app.ServerCoreApplication;
import dev.servercore.core.CloseReason;
import dev.servercore.core.Session;
import dev.servercore.core.SessionListener;
import dev.servercore.core.SessionRegistry;
import dev.servercore.support.ActuatorClient;
import dev.servercore.support.EchoHandlerConfiguration;
import dev.servercore.support.TestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SessionsEndpoint} over HTTP, exposed, against real clients: list with paging, get, kick,
 * 404 for an unknown id, 400 for a bad page.
 */
@Import(EchoHandlerConfiguration.class)
@SpringBootTest(classes = ServerCoreApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "servercore.port=0", "management.endpoints.web.exposure.include=health,tcpsessions" })
class SessionsEndpointTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Value("${local.servercore.port}")
	int port;

	@LocalServerPort
	int managementPort;

	@Autowired
	SessionRegistry registry;

	private ActuatorClient actuator;

	@BeforeEach
	void noSessionLeftByAnotherTest() {
		this.actuator = new ActuatorClient(this.managementPort);
		await().atMost(WAIT).until(() -> this.registry.size() == 0);
	}

	@Test
	void listsGetsAndKicksARealClient() {
		List<TestClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				TestClient client = TestClient.connect(this.port);
				client.send(new byte[10 * (i + 1)]);
				assertThat(client.read(10 * (i + 1))).hasSize(10 * (i + 1));
				clients.add(client);
			}
			await().atMost(WAIT).until(() -> this.registry.size() == 3);
			List<Session> sessions = this.registry.snapshot();

			HttpResponse<String> all = this.actuator.get("/actuator/tcpsessions");
			assertThat(all.statusCode()).isEqualTo(200);
			assertThat(all.body()).contains("\"count\":3")
				.contains("\"id\":" + sessions.get(0).id())
				.contains("\"id\":" + sessions.get(2).id())
				.contains("\"remoteAddress\":\"127.0.0.1:" + clients.get(0).socket().getLocalPort() + "\"")
				.contains("\"bytesReceived\":10,")
				.contains("\"bytesSent\":30,")
				.contains("\"openedAt\":\"")
				.contains("\"lastReceiveAt\":\"");

			HttpResponse<String> page = this.actuator.get("/actuator/tcpsessions?offset=1&limit=1");
			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(page.body()).contains("\"count\":3", "\"offset\":1", "\"limit\":1")
				.contains("\"id\":" + sessions.get(1).id())
				.doesNotContain("\"id\":" + sessions.get(0).id() + ",")
				.doesNotContain("\"id\":" + sessions.get(2).id() + ",");

			Session second = sessions.get(1);
			HttpResponse<String> one = this.actuator.get("/actuator/tcpsessions/" + second.id());
			assertThat(one.statusCode()).isEqualTo(200);
			assertThat(one.body()).contains("\"id\":" + second.id() + ",")
				.contains("\"remoteAddress\":\"127.0.0.1:" + clients.get(1).socket().getLocalPort() + "\"")
				.contains("\"bytesReceived\":20,")
				.contains("\"closeReason\":null");

			List<CloseReason> reasons = new ArrayList<>();
			SessionListener listener = new SessionListener() {

				@Override
				public void onClose(Session session, CloseReason reason) {
					synchronized (reasons) {
						reasons.add(reason);
					}
				}

			};
			this.registry.addListener(listener);
			try {
				HttpResponse<String> kicked = this.actuator.delete("/actuator/tcpsessions/" + second.id());
				assertThat(kicked.statusCode()).isEqualTo(200);
				assertThat(kicked.body()).contains("\"closeReason\":\"KICKED\"");
				assertThat(clients.get(1).isClosedByServer()).isTrue();
				await().atMost(WAIT).until(() -> this.registry.size() == 2);
				// Listeners hear of a close just after the session has left the registry.
				await().atMost(WAIT).until(() -> {
					synchronized (reasons) {
						return !reasons.isEmpty();
					}
				});
				synchronized (reasons) {
					assertThat(reasons).containsExactly(CloseReason.KICKED);
				}
			}
			finally {
				this.registry.removeListener(listener);
			}
			assertThat(this.actuator.status("/actuator/tcpsessions/" + second.id())).isEqualTo(404);
			assertThat(this.actuator.get("/actuator/tcpsessions").body()).contains("\"count\":2");
		}
		finally {
			clients.forEach(TestClient::close);
		}
	}

	@Test
	void anUnknownIdIsNotFound() {
		assertThat(this.actuator.status("/actuator/tcpsessions/987654")).isEqualTo(404);
		assertThat(this.actuator.delete("/actuator/tcpsessions/987654").statusCode()).isEqualTo(404);
	}

	@Test
	void aBadPageIsABadRequest() {
		assertThat(this.actuator.status("/actuator/tcpsessions?limit=0")).isEqualTo(400);
		assertThat(this.actuator.status("/actuator/tcpsessions?limit=" + (SessionsEndpoint.MAX_LIMIT + 1))).isEqualTo(400);
		assertThat(this.actuator.status("/actuator/tcpsessions?offset=-1")).isEqualTo(400);
		// The answer says why.
		assertThat(this.actuator.get("/actuator/tcpsessions?limit=0").body())
			.contains("limit must be between 1 and " + SessionsEndpoint.MAX_LIMIT + ", was: 0");
		HttpResponse<String> notANumber = this.actuator.get("/actuator/tcpsessions?limit=ten");
		assertThat(notANumber.statusCode()).isEqualTo(400);
		assertThat(notANumber.body()).contains("limit must be a whole number, was: ten");
		assertThat(this.actuator.get("/actuator/tcpsessions?offset=-1").body()).contains("offset must not be negative");
		assertThat(this.actuator.get("/actuator/tcpsessions").body()).contains("\"count\":0", "\"limit\":100",
				"\"sessions\":[]");
	}

}
