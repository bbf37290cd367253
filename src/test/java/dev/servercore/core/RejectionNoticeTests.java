package dev.servercore.core;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.servercore.support.CoreServer;
import dev.servercore.support.Packets;
import dev.servercore.support.TestClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connection refused by a session limit is told why when the handler gives a packet in
 * {@link SessionHandler#onRejected(Session)}: the packet, framed, then the close.
 */
class RejectionNoticeTests {

	private static final SessionSettings ONE_SESSION = SessionSettings.DEFAULTS
		.withFraming(PacketFraming.lengthPrefixed(4, ByteOrder.BIG_ENDIAN, false, 1024))
		.withLimits(1, 0);

	@Test
	void aRefusedClientReadsTheNoticeThenTheClose() {
		SessionHandler handler = new SessionHandler() {

			@Override
			public void onReceive(Session session, ByteBuf data) {
			}

			@Override
			public ByteBuf onRejected(Session session) {
				return Unpooled.copiedBuffer("server full", StandardCharsets.UTF_8);
			}

		};
		try (CoreServer server = CoreServer.start(ONE_SESSION, handler); TestClient admitted = TestClient.connect(server.port())) {
			await().atMost(Duration.ofSeconds(10)).until(() -> server.registry().size() == 1);
			for (int i = 0; i < 3; i++) {
				try (TestClient refused = TestClient.connect(server.port())) {
					assertThat(Packets.DEFAULT.read(refused)).asString(StandardCharsets.UTF_8).isEqualTo("server full");
					assertThat(refused.isClosedByServer()).isTrue();
				}
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> server.closed("REJECTED_LIMIT") == 3);
			assertThat(server.registry().size()).isEqualTo(1);
		}
	}

	@Test
	void withoutANoticeARefusedClientIsClosedAtOnce() {
		SessionHandler handler = (session, data) -> {
		};
		try (CoreServer server = CoreServer.start(ONE_SESSION, handler); TestClient admitted = TestClient.connect(server.port())) {
			await().atMost(Duration.ofSeconds(10)).until(() -> server.registry().size() == 1);
			try (TestClient refused = TestClient.connect(server.port())) {
				assertThat(refused.readToEnd()).isEmpty();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> server.closed("REJECTED_LIMIT") == 1);
		}
	}

}
