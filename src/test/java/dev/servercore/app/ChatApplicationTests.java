package dev.servercore.app;

import java.net.http.HttpResponse;
import java.time.Duration;

import dev.servercore.actuate.RoomMeters;
import dev.servercore.chat.ChatHandler;
import dev.servercore.core.SessionHandler;
import dev.servercore.core.room.RoomRegistry;
import dev.servercore.support.ActuatorClient;
import dev.servercore.support.LineClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application with {@code servercore.handler=chat} and {@code line} framing, as the README's two-terminal
 * {@code nc} chat runs it: the rooms endpoint (exposed here) and the room meters over HTTP.
 */
@SpringBootTest(classes = ServerCoreApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "servercore.port=0", "servercore.handler=chat", "servercore.framing=line",
				"management.endpoints.web.exposure.include=health,metrics,prometheus,rooms" })
class ChatApplicationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Value("${local.servercore.port}")
	int port;

	@LocalServerPort
	int managementPort;

	@Autowired
	SessionHandler handler;

	@Autowired
	RoomRegistry rooms;

	@Test
	void twoPeopleChatInARoomThatTheEndpointAndTheMetersShow() {
		assertThat(this.handler).isInstanceOf(ChatHandler.class);
		ActuatorClient actuator = new ActuatorClient(this.managementPort);
		try (LineClient alice = LineClient.connect(this.port); LineClient bob = LineClient.connect(this.port)) {
			alice.ask("/nick alice", (line) -> line.equals("* you are alice"));
			alice.ask("/join lobby", (line) -> line.equals("* alice joined lobby (1 here)"));
			bob.ask("/nick bob", (line) -> line.equals("* you are bob"));
			bob.ask("/join lobby", (line) -> line.equals("* bob joined lobby (2 here)"));
			alice.send("hi bob");
			assertThat(bob.readUntil((line) -> line.startsWith("alice:"))).isEqualTo("alice: hi bob");

			HttpResponse<String> all = actuator.get("/actuator/rooms");
			assertThat(all.statusCode()).isEqualTo(200);
			assertThat(all.body()).contains("\"count\":1", "\"members\":2", "\"name\":\"lobby\"", "\"queueDepth\":",
					"\"tickP99Micros\":");
			HttpResponse<String> lobby = actuator.get("/actuator/rooms/lobby");
			assertThat(lobby.statusCode()).isEqualTo(200);
			assertThat(lobby.body()).contains("\"sessionIds\":[");
			assertThat(actuator.status("/actuator/rooms/nowhere")).isEqualTo(404);
			assertThat(actuator.status("/actuator/rooms?limit=0")).isEqualTo(400);

			assertThat(actuator.servercoreSamples()).containsEntry("servercore_rooms_active_rooms", 1.0)
				.containsEntry("servercore_rooms_members", 2.0)
				.containsKey("servercore_rooms_broadcast_messages_total")
				.containsKey("servercore_rooms_jobs_rejected_jobs_total");
			assertThat(actuator.get("/actuator/metrics/" + RoomMeters.TICK_DURATION).statusCode()).isEqualTo(200);
		}
		await().atMost(WAIT).until(() -> this.rooms.size() == 0);
	}

}
