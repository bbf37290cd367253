package dev.servercore.core;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.servercore.support.Packets;
import dev.servercore.support.TestClient;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SessionRegistry#broadcast}: a payload too large for any session's framing or send-queue
 * cap reaches no session, not even those that could take it.
 */
class BroadcastTests {

	@Test
	void anOversizedBroadcastIsRefusedBeforeAnySessionGetsIt() {
		SessionRegistry registry = new SessionRegistry();
		SessionHandler ignore = (session, data) -> {
		};
		// One registry behind two listeners: raw (no packet limit) and length-prefixed with a 1 KiB maximum.
		ServerCore raw = start(registry, new SessionPipeline(registry, ignore, ServerMetrics.NONE, SessionSettings.DEFAULTS));
		ServerCore packets = start(registry, new SessionPipeline(registry, ignore, ServerMetrics.NONE, SessionSettings.DEFAULTS
			.withFraming(PacketFraming.lengthPrefixed(4, ByteOrder.BIG_ENDIAN, false, 1024))));
		try (TestClient first = TestClient.connect(raw.port())) {
			await().atMost(Duration.ofSeconds(10)).until(() -> registry.size() == 1);
			try (TestClient second = TestClient.connect(packets.port())) {
				await().atMost(Duration.ofSeconds(10)).until(() -> registry.size() == 2);
				assertThatIllegalArgumentException().isThrownBy(() -> registry.broadcast(Unpooled.wrappedBuffer(new byte[2048])))
					.withMessageContaining("maximum packet size of 1024");
				assertThat(registry.broadcast(Unpooled.wrappedBuffer("after".getBytes(StandardCharsets.UTF_8)))).isEqualTo(2);
				// What each client reads first is the valid broadcast: the oversized one went nowhere.
				assertThat(first.read(5)).asString(StandardCharsets.UTF_8).isEqualTo("after");
				assertThat(Packets.DEFAULT.read(second)).asString(StandardCharsets.UTF_8).isEqualTo("after");
			}
		}
		finally {
			raw.stop();
			packets.stop();
		}
	}

	@Test
	void aBroadcastLargerThanOneSessionsSendQueueCapIsRefusedBeforeAnySessionGetsIt() {
		SessionRegistry registry = new SessionRegistry();
		SessionHandler ignore = (session, data) -> {
		};
		// Two raw listeners, one registry: the default 1 MiB send-queue cap and a 64 KiB one.
		ServerCore roomy = start(registry, new SessionPipeline(registry, ignore, ServerMetrics.NONE, SessionSettings.DEFAULTS));
		ServerCore small = start(registry, new SessionPipeline(registry, ignore, ServerMetrics.NONE,
				new SessionSettings(PacketFraming.RAW, 64 * 1024, SessionSettings.DEFAULT_CLOSE_FLUSH_TIMEOUT,
						SessionSettings.DEFAULT_IDLE_TIMEOUT, SessionSettings.DEFAULT_MAX_SESSIONS, 0)));
		try (TestClient first = TestClient.connect(roomy.port())) {
			await().atMost(Duration.ofSeconds(10)).until(() -> registry.size() == 1);
			try (TestClient second = TestClient.connect(small.port())) {
				await().atMost(Duration.ofSeconds(10)).until(() -> registry.size() == 2);
				assertThatIllegalArgumentException().isThrownBy(() -> registry.broadcast(Unpooled.wrappedBuffer(new byte[100 * 1024])))
					.withMessageContaining("servercore.send.queue-cap");
				assertThat(registry.broadcast(Unpooled.wrappedBuffer("after".getBytes(StandardCharsets.UTF_8)))).isEqualTo(2);
				// Each client reads the valid broadcast first, and both sessions are still open.
				assertThat(first.read(5)).asString(StandardCharsets.UTF_8).isEqualTo("after");
				assertThat(second.read(5)).asString(StandardCharsets.UTF_8).isEqualTo("after");
				assertThat(registry.snapshot()).allMatch(Session::isOpen);
			}
		}
		finally {
			roomy.stop();
			small.stop();
		}
	}

	private static ServerCore start(SessionRegistry registry, SessionPipeline pipeline) {
		EventLoops loops = EventLoops.create(Transport.AUTO, 1, "broadcast-test");
		ServerCore server = new ServerCore(ServerCore.tcpServer("127.0.0.1", 0, loops, pipeline, null), registry, loops);
		server.start();
		return server;
	}

}
