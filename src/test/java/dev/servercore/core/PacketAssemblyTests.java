package dev.servercore.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

import dev.servercore.support.CoreServer;
import dev.servercore.support.TestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A packet that does not complete within the assembly timeout closes its session with
 * {@link CloseReason#INCOMPLETE_PACKET}, whatever the idle timeout; its partial bytes count against the memory
 * budget while they are held; packets that complete in time are never affected.
 */
class PacketAssemblyTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	private static final SessionSettings SETTINGS = new SessionSettings(
			PacketFraming.lengthPrefixed(4, ByteOrder.BIG_ENDIAN, false, 64 * 1024), SessionSettings.DEFAULT_SEND_QUEUE_CAP,
			SessionSettings.DEFAULT_CLOSE_FLUSH_TIMEOUT, Duration.ZERO, 0, 0)
		.withPacketAssemblyTimeout(TIMEOUT);

	@Test
	void aPacketThatNeverCompletesClosesItsSessionAndGivesBackItsMemory() {
		try (CoreServer server = CoreServer.start(SETTINGS, new EchoHandler());
				TestClient client = TestClient.connect(server.port())) {
			await().atMost(Duration.ofSeconds(10)).until(() -> server.registry().size() == 1);
			Session session = server.registry().snapshot().get(0);
			// Announce 64 KiB, send 60,000 bytes of it, then nothing: the idle timeout is off.
			client.send(ByteBuffer.allocate(4 + 60_000).putInt(64 * 1024).array());
			await().atMost(Duration.ofSeconds(10)).until(() -> session.bytesBuffered() >= 60_000);
			assertThat(server.memoryBudget().used()).isGreaterThanOrEqualTo(60_000);
			long started = System.nanoTime();
			await().atMost(Duration.ofSeconds(10)).until(() -> server.registry().size() == 0);
			long waitedMillis = (System.nanoTime() - started) / 1_000_000;
			assertThat(session.closeReason()).isEqualTo(CloseReason.INCOMPLETE_PACKET);
			assertThat(waitedMillis).isLessThan(5_000);
			assertThat(client.isClosedByServer()).isTrue();
			assertThat(server.closed("INCOMPLETE_PACKET")).isEqualTo(1);
			await().atMost(Duration.ofSeconds(10)).until(() -> server.memoryBudget().used() == 0);
			assertThat(session.bytesBuffered()).isZero();
		}
	}

	@Test
	void packetsThatCompleteInTimeAreServedHoweverLongTheStream() throws Exception {
		try (CoreServer server = CoreServer.start(SETTINGS, new EchoHandler());
				TestClient client = TestClient.connect(server.port())) {
			// Each packet arrives in two halves a fifth of the timeout apart, for twice the timeout in all: the
			// session always holds a partial packet, but never the same one for long.
			byte[] packet = ByteBuffer.allocate(4 + 1000).putInt(1000).array();
			for (int i = 0; i < 10; i++) {
				client.send(java.util.Arrays.copyOfRange(packet, 0, 500));
				Thread.sleep(TIMEOUT.toMillis() / 5);
				client.send(java.util.Arrays.copyOfRange(packet, 500, packet.length));
				assertThat(client.read(packet.length)).isEqualTo(packet);
			}
			assertThat(server.registry().size()).isEqualTo(1);
			assertThat(server.closed("INCOMPLETE_PACKET")).isZero();
		}
	}

}
