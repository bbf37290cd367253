package dev.servercore.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.servercore.support.CoreServer;
import dev.servercore.support.TestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Line framing over real sockets: one handler call per line, without its newline; sends add it; a line
 * longer than the maximum closes the session with FRAME_TOO_LARGE before it is all buffered.
 */
class LineFramingTests {

	private static final SessionSettings LINES = SessionSettings.DEFAULTS.withFraming(PacketFraming.line(16));

	@Test
	void eachLineIsOneCallWithoutItsNewlineAndEachSendIsOneLine() {
		SessionHandler bracket = (session, data) -> session
			.send(("[" + data.toString(StandardCharsets.UTF_8) + "]").getBytes(StandardCharsets.UTF_8));
		try (CoreServer server = CoreServer.start(LINES, bracket); TestClient client = TestClient.connect(server.port())) {
			client.send("one\r\ntw".getBytes(StandardCharsets.US_ASCII));
			client.send("o\n\n".getBytes(StandardCharsets.US_ASCII));
			client.send("x".repeat(16).concat("\n").getBytes(StandardCharsets.US_ASCII));
			String expected = "[one]\n[two]\n[]\n[" + "x".repeat(16) + "]\n";
			assertThat(new String(client.read(expected.length()), StandardCharsets.US_ASCII)).isEqualTo(expected);
		}
	}

	@Test
	void aLineLongerThanTheMaximumClosesTheSessionWithFrameTooLarge() {
		try (CoreServer server = CoreServer.start(LINES, new EchoHandler());
				TestClient client = TestClient.connect(server.port())) {
			client.send("ok\n".getBytes(StandardCharsets.US_ASCII));
			assertThat(new String(client.read(3), StandardCharsets.US_ASCII)).isEqualTo("ok\n");
			// No newline at all: the server must not wait for one, nor buffer the rest.
			client.send("y".repeat(17).getBytes(StandardCharsets.US_ASCII));
			assertThat(client.isClosedByServer()).isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> server.closed("FRAME_TOO_LARGE") == 1);
		}
	}

}
