package dev.servercore.core;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.servercore.support.CoreServer;
import dev.servercore.support.TestClient;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sends from several threads at once reach the peer whole and, per sending thread, in order.
 */
class SendOrderTests {

	private static final int THREADS = 4;

	private static final int MESSAGES = 2000;

	@Test
	void sendsFromManyThreadsKeepTheirOrder() throws Exception {
		SessionHandler ignoreInput = (session, data) -> {
		};
		try (CoreServer server = CoreServer.start(SessionSettings.DEFAULTS, ignoreInput);
				TestClient client = TestClient.connect(server.port())) {
			await().atMost(Duration.ofSeconds(10)).until(() -> server.registry().size() == 1);
			Session session = server.registry().snapshot().get(0);
			List<Thread> senders = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int sender = t;
				senders.add(new Thread(() -> {
					for (int seq = 0; seq < MESSAGES; seq++) {
						session.send(Unpooled.buffer(8).writeInt(sender).writeInt(seq));
					}
				}));
			}
			senders.forEach(Thread::start);
			int[] next = new int[THREADS];
			ByteBuffer received = ByteBuffer.wrap(client.read(THREADS * MESSAGES * 8));
			while (received.hasRemaining()) {
				int sender = received.getInt();
				int seq = received.getInt();
				assertThat(seq).as("sequence of sender %d", sender).isEqualTo(next[sender]);
				next[sender]++;
			}
			for (Thread sender : senders) {
				sender.join(10_000);
			}
			assertThat(next).containsOnly(MESSAGES);
			assertThat(session.bytesSent()).isEqualTo(THREADS * MESSAGES * 8L);
		}
	}

}
