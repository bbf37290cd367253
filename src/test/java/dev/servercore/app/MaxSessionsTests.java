package dev.servercore.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.servercore.actuate.ServerCoreMeters;
import dev.servercore.core.SessionRegistry;
import dev.servercore.support.EchoHandlerConfiguration;
import dev.servercore.support.TestClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With a limit of 20 sessions, 30 connection attempts give 20 sessions and 10 rejections; the 20 keep working.
 */
@Import(EchoHandlerConfiguration.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "servercore.port=0", "servercore.limits.max-sessions=20" })
class MaxSessionsTests {

	@Value("${local.servercore.port}")
	int port;

	@Autowired
	SessionRegistry registry;

	@Autowired
	MeterRegistry meters;

	@Test
	void connectionsBeyondTheLimitAreRejectedAndTheOthersUntouched() {
		List<TestClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 30; i++) {
				clients.add(TestClient.connect(this.port));
			}
			await().atMost(Duration.ofSeconds(20))
				.until(() -> this.meters.get(ServerCoreMeters.CONNECTIONS_REJECTED).counter().count() == 10);
			assertThat(this.registry.size()).isEqualTo(20);
			// Counted as closed once each rejected channel has gone inactive, just after it was refused.
			await().atMost(Duration.ofSeconds(20))
				.until(() -> this.meters.get(ServerCoreMeters.SESSIONS_CLOSED)
					.tag(ServerCoreMeters.REASON_TAG, "REJECTED_LIMIT")
					.counter()
					.count() == 10);
			int echoed = 0;
			int refused = 0;
			for (TestClient client : clients) {
				if (echoes(client)) {
					echoed++;
				}
				else {
					refused++;
				}
			}
			assertThat(echoed).isEqualTo(20);
			assertThat(refused).isEqualTo(10);
		}
		finally {
			clients.forEach(TestClient::close);
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> this.registry.size() == 0);
	}

	private static boolean echoes(TestClient client) {
		try {
			client.send(new byte[] { 1, 2, 3 });
			byte[] echo = client.read(3);
			return echo.length == 3;
		}
		catch (RuntimeException ex) {
			// A rejected connection is closed by the server: reset or end of stream.
			return false;
		}
	}

}
