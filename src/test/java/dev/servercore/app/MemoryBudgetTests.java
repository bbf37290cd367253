package dev.servercore.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.servercore.autoconfigure.TcpServerCustomizer;
import dev.servercore.core.CloseReason;
import dev.servercore.core.MemoryBudget;
import dev.servercore.core.Session;
import dev.servercore.core.SessionListener;
import dev.servercore.core.SessionRegistry;
import dev.servercore.support.TestClient;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 300 clients that send without ever reading, against the echo and a 4 MB memory budget: the bytes queued
 * across the server stay under the budget (the biggest holders stop being read, then are closed as slow
 * consumers), while a well-behaved client keeps echoing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "servercore.port=0", "servercore.memory.budget=4MB", "servercore.limits.idle-timeout=0" })
class MemoryBudgetTests {

	private static final int SENDERS = 300;

	private static final int BYTES_PER_SENDER = 64 * 1024;

	private static final long BUDGET = 4 * 1024 * 1024;

	@Value("${local.servercore.port}")
	int port;

	@Autowired
	SessionRegistry registry;

	@Autowired
	MemoryBudget budget;

	@Test
	void neverReadingSendersCannotTakeTheServerPastItsBudget() throws Exception {
		Map<Integer, CloseReason> reasons = new ConcurrentHashMap<>();
		this.registry.addListener(new SessionListener() {
			@Override
			public void onClose(Session session, CloseReason reason) {
				reasons.put(session.remoteAddress().getPort(), reason);
			}
		});
		List<SocketChannel> senders = new ArrayList<>();
		long peakQueued = 0;
		try (TestClient control = TestClient.connect(this.port)) {
			for (int i = 0; i < SENDERS; i++) {
				senders.add(sender());
			}
			int[] written = new int[SENDERS];
			ByteBuffer payload = ByteBuffer.allocate(16 * 1024);
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			boolean settled = false;
			while (!settled) {
				assertThat(System.nanoTime()).as("settled within 30 s").isLessThan(deadline);
				// Every sender pushes what its socket takes without blocking, and never reads.
				for (int i = 0; i < SENDERS; i++) {
					SocketChannel sender = senders.get(i);
					if (written[i] < BYTES_PER_SENDER && sender.isOpen()) {
						payload.clear().limit(Math.min(payload.capacity(), BYTES_PER_SENDER - written[i]));
						try {
							written[i] += sender.write(payload);
						}
						catch (IOException ex) {
							sender.close();
						}
					}
				}
				peakQueued = Math.max(peakQueued, queuedAcrossTheServer());
				// The well-behaved client is served all along.
				byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);
				control.send(ping);
				assertThat(control.read(ping.length)).isEqualTo(ping);
				int controlPort = control.socket().getLocalPort();
				settled = this.registry.snapshot().stream()
					.allMatch((session) -> session.remoteAddress().getPort() == controlPort || settled(session));
			}
		}
		finally {
			for (SocketChannel sender : senders) {
				sender.close();
			}
		}
		System.out.printf("Memory budget %d KiB against %d never-reading senders of %d KiB each: peak queued across "
				+ "sessions %d KiB, peak budget use %d KiB; %d read pauses, %d sessions closed by the budget, %d closed "
				+ "(%s)%n", BUDGET / 1024, SENDERS, BYTES_PER_SENDER / 1024, peakQueued / 1024, this.budget.peak() / 1024,
				this.budget.readPauses(), this.budget.closedSessions(), reasons.size(),
				reasons.values().stream().distinct().toList());
		assertThat(peakQueued).isLessThanOrEqualTo(BUDGET);
		assertThat(this.budget.peak()).isLessThanOrEqualTo(BUDGET).isGreaterThan(this.budget.softLimit());
		// Closed as slow consumers by the budget; a sender whose socket the test closed after an error may show
		// as a reset or a peer close (seen once: every sender's own close came first, all RESET).
		assertThat(reasons.values()).allMatch((reason) -> reason == CloseReason.SLOW_CONSUMER || reason == CloseReason.RESET
					|| reason == CloseReason.PEER_CLOSED);
		assertThat(this.budget.readPauses()).isPositive();
	}

	// Nothing more will happen to this open session by itself: its reading is paused, or the echo of everything
	// it sent is queued or gone. A closed session leaves the registry.
	private boolean settled(Session session) {
		return session.isOpen() && (session.isReadingPaused() || session.bytesReceived() == BYTES_PER_SENDER);
	}

	private long queuedAcrossTheServer() {
		return this.registry.snapshot().stream().mapToLong(Session::bytesQueued).sum();
	}

	// A client with a small receive window that will never read.
	private SocketChannel sender() throws IOException {
		SocketChannel channel = SocketChannel.open();
		channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
		channel.connect(new InetSocketAddress("127.0.0.1", this.port));
		channel.configureBlocking(false);
		return channel;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SmallSendBuffers {

		/** Small kernel send buffers, so that the queue builds in the server rather than in the kernel. */
		@Bean
		TcpServerCustomizer smallSendBuffers() {
			return (server) -> server.childOption(ChannelOption.SO_SNDBUF, 8192);
		}

	}

}
