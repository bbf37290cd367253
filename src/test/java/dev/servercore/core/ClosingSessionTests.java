package dev.servercore.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.servercore.support.CoreServer;
import dev.servercore.support.Packets;
import dev.servercore.support.TestClient;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Once a session is closing, its handler sees nothing more: reads are discarded and released, and a
 * framing error stops the decoder, so no garbage is handed over as packets.
 */
class ClosingSessionTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final PacketFraming FRAMING = PacketFraming.lengthPrefixed(4, ByteOrder.BIG_ENDIAN, false, 64 * 1024);

	@Test
	void aClosingSessionHandsNoMoreReceivesToTheHandler() {
		AtomicReference<Session> closing = new AtomicReference<>();
		AtomicInteger receivedWhileClosing = new AtomicInteger();
		// "close": a 4 MiB answer (more than the socket buffers hold, so the flush waits for the client to read),
		// then a close that flushes. Every receive after that is a request whose answer would be refused.
		SessionHandler handler = (session, data) -> {
			if (!session.isOpen()) {
				receivedWhileClosing.incrementAndGet();
				return;
			}
			for (int i = 0; i < 64; i++) {
				session.send(Unpooled.wrappedBuffer(new byte[64 * 1024 - 16]));
			}
			closing.set(session);
			session.close(CloseReason.CLOSED_BY_APPLICATION);
		};
		SessionSettings settings = new SessionSettings(FRAMING, 0, Duration.ofSeconds(10), Duration.ZERO, 0, 0);
		try (CoreServer server = CoreServer.start(settings, handler); TestClient client = TestClient.connect(server.port())) {
			byte[] purchase = Packets.DEFAULT.encode("buy".getBytes(StandardCharsets.UTF_8));
			client.send(Packets.DEFAULT.encode("close".getBytes(StandardCharsets.UTF_8)));
			await().atMost(WAIT).until(() -> closing.get() != null);
			for (int i = 0; i < 20; i++) {
				client.send(purchase);
			}
			long total = 4 + 5 + 20L * purchase.length;
			await().atMost(WAIT).until(() -> closing.get().bytesReceived() == total);
			assertThat(client.readToEnd()).hasSize(64 * (4 + 64 * 1024 - 16));
			client.close();
			await().atMost(WAIT).until(() -> closing.get().closeFuture().toCompletableFuture().isDone());
			assertThat(receivedWhileClosing).hasValue(0);
		}
	}

	@Test
	void nothingIsDecodedAfterAFramingError() {
		List<String> received = new CopyOnWriteArrayList<>();
		AtomicReference<Session> last = new AtomicReference<>();
		SessionHandler handler = (session, data) -> {
			last.set(session);
			received.add(data.toString(StandardCharsets.UTF_8));
		};
		SessionSettings settings = SessionSettings.DEFAULTS.withFraming(FRAMING);
		try (CoreServer server = CoreServer.start(settings, handler); TestClient client = TestClient.connect(server.port())) {
			client.send(Packets.DEFAULT.encode("valid".getBytes(StandardCharsets.UTF_8)));
			await().atMost(WAIT).until(() -> received.size() == 1);
			// A negative length, then bytes that would read as a packet if framing went on after the error.
			byte[] garbage = ByteBuffer.allocate(4 + 4 + 3).putInt(-5).putInt(3).put("abc".getBytes(StandardCharsets.UTF_8)).array();
			client.send(garbage);
			assertThat(client.readToEnd()).isEmpty();
			client.close();
			await().atMost(WAIT).until(() -> last.get().closeFuture().toCompletableFuture().isDone());
			assertThat(last.get().closeReason()).isEqualTo(CloseReason.PROTOCOL_ERROR);
			assertThat(received).containsExactly("valid");
		}
	}

}
