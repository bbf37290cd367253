package dev.servercore.chat;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.servercore.core.PacketFraming;
import dev.servercore.core.SessionSettings;
import dev.servercore.support.LineClient;
import dev.servercore.support.Packets;
import dev.servercore.support.RoomServer;
import dev.servercore.support.TestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chat over real sockets, as a person with {@code nc} would use it.
 */
class ChatTests {

	private static final SessionSettings LINES = SessionSettings.DEFAULTS.withFraming(PacketFraming.line(1024));

	@Test
	void scriptedSessionThroughNickJoinSayWhoLeaveAndQuit() {
		try (RoomServer server = RoomServer.start(LINES, (rooms) -> new ChatHandler(rooms, 10));
				LineClient alice = LineClient.connect(server.port());
				LineClient bob = LineClient.connect(server.port())) {
			assertThat(alice.readLine()).startsWith("* welcome");
			assertThat(alice.ask("hello?", (line) -> line.startsWith("error"))).isEqualTo("error: not in a room: /join ROOM first");
			assertThat(alice.ask("/nick alice", (line) -> true)).isEqualTo("* you are alice");
			assertThat(alice.ask("/join lobby", (line) -> true)).isEqualTo("* alice joined lobby (1 here)");
			assertThat(bob.ask("/nick alice", (line) -> line.startsWith("error"))).isEqualTo("error: name taken: alice");
			bob.ask("/nick bob", (line) -> line.equals("* you are bob"));
			assertThat(bob.ask("/join lobby", (line) -> line.contains("joined"))).isEqualTo("* bob joined lobby (2 here)");
			assertThat(alice.readLine()).isEqualTo("* bob joined lobby (2 here)");
			bob.send("hi alice");
			assertThat(alice.readLine()).isEqualTo("bob: hi alice");
			assertThat(bob.readLine()).isEqualTo("bob: hi alice");
			assertThat(alice.ask("/who", (line) -> true)).isEqualTo("* in lobby: alice, bob");
			assertThat(alice.ask("/rooms", (line) -> true)).isEqualTo("* rooms: lobby (2)");
			assertThat(alice.ask("/dance", (line) -> true)).startsWith("error: unknown command /dance");
			assertThat(alice.ask("/leave", (line) -> true)).isEqualTo("* you left lobby");
			assertThat(bob.readLine()).isEqualTo("* alice left lobby");
			assertThat(alice.ask("/quit", (line) -> true)).isEqualTo("* bye");
			assertThat(alice.readLine()).as("end of stream after /quit").isNull();
			assertThat(bob.ask("/who", (line) -> true)).isEqualTo("* in lobby: bob");
		}
	}

	@Test
	void aFullRoomRejectsAJoinWithOneLineTheClientCanRead() {
		try (RoomServer server = RoomServer.start(LINES, (rooms) -> new ChatHandler(rooms, 2));
				LineClient first = LineClient.connect(server.port());
				LineClient second = LineClient.connect(server.port());
				LineClient third = LineClient.connect(server.port())) {
			first.ask("/join small", (line) -> line.contains("joined"));
			second.ask("/join small", (line) -> line.contains("joined"));
			assertThat(third.ask("/join small", (line) -> !line.startsWith("* welcome")))
				.isEqualTo("error: cannot join small: room full (2 members)");
			assertThat(third.ask("/who", (line) -> true)).isEqualTo("error: not in a room");
		}
	}

	@Test
	void aMemberThatResetsLeavesTheRoomAndWho() {
		try (RoomServer server = RoomServer.start(LINES, (rooms) -> new ChatHandler(rooms, 10));
				LineClient stay = LineClient.connect(server.port());
				LineClient reset = LineClient.connect(server.port())) {
			stay.ask("/nick stay", (line) -> line.startsWith("* you are"));
			stay.ask("/join lobby", (line) -> line.contains("joined"));
			reset.ask("/nick gone", (line) -> line.startsWith("* you are"));
			reset.ask("/join lobby", (line) -> line.contains("joined"));
			assertThat(stay.readUntil((line) -> line.contains("gone joined"))).isNotNull();
			reset.reset();
			assertThat(stay.readLine()).isEqualTo("* gone left lobby");
			assertThat(stay.ask("/who", (line) -> true)).isEqualTo("* in lobby: stay");
			assertThat(server.rooms().find("lobby").orElseThrow().memberCount()).isEqualTo(1);
		}
	}

	@Test
	void aMemberClosedByTheIdleTimeoutLeavesTheRoomAndWho() {
		SessionSettings settings = new SessionSettings(PacketFraming.line(1024), SessionSettings.DEFAULT_SEND_QUEUE_CAP,
				Duration.ofSeconds(5), Duration.ofMillis(800), 0, 0);
		try (RoomServer server = RoomServer.start(settings, (rooms) -> new ChatHandler(rooms, 10));
				LineClient active = LineClient.connect(server.port());
				LineClient idle = LineClient.connect(server.port())) {
			idle.ask("/nick idle", (line) -> line.startsWith("* you are"));
			idle.ask("/join lobby", (line) -> line.contains("joined"));
			active.ask("/nick active", (line) -> line.startsWith("* you are"));
			active.ask("/join lobby", (line) -> line.contains("joined"));
			// The active member keeps talking (asking /who), so only the idle one times out.
			await().atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> active.ask("/who", (line) -> line.startsWith("* in ")).equals("* in lobby: active"));
			assertThat(server.closed("IDLE_TIMEOUT")).isEqualTo(1);
		}
	}

	@Test
	void theChatWorksWithLengthPrefixedPacketsToo() {
		Packets packets = new Packets(2, ByteOrder.LITTLE_ENDIAN, false);
		SessionSettings settings = SessionSettings.DEFAULTS
			.withFraming(PacketFraming.lengthPrefixed(2, ByteOrder.LITTLE_ENDIAN, false, 1024));
		try (RoomServer server = RoomServer.start(settings, (rooms) -> new ChatHandler(rooms, 10));
				TestClient client = TestClient.connect(server.port())) {
			assertThat(text(packets.read(client, 1).get(0))).startsWith("* welcome");
			client.send(packets.encode(bytes("/nick pat")));
			assertThat(text(packets.read(client, 1).get(0))).isEqualTo("* you are pat");
			client.send(packets.encode(bytes("/join lobby")));
			assertThat(text(packets.read(client, 1).get(0))).isEqualTo("* pat joined lobby (1 here)");
			client.send(packets.encode(bytes("over")));
			assertThat(text(packets.read(client, 1).get(0))).isEqualTo("pat: over");
		}
	}

	@Test
	void aLineTooLongForTheChatIsAnErrorLineAndOneTooLongForTheFramingClosesTheSession() {
		SessionSettings settings = SessionSettings.DEFAULTS.withFraming(PacketFraming.line(2000));
		try (RoomServer server = RoomServer.start(settings, (rooms) -> new ChatHandler(rooms, 10));
				LineClient client = LineClient.connect(server.port())) {
			client.ask("/join lobby", (line) -> line.contains("joined"));
			assertThat(client.ask("x".repeat(ChatHandler.MAX_TEXT + 1), (line) -> true))
				.isEqualTo("error: line too long (at most " + ChatHandler.MAX_TEXT + " characters)");
			client.send("x".repeat(2001));
			assertThat(client.readLine()).as("end of stream").isNull();
			await().atMost(Duration.ofSeconds(10)).until(() -> server.closed("FRAME_TOO_LARGE") == 1);
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
