package dev.servercore.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.servercore.autoconfigure.TcpServerCustomizer;
import dev.servercore.core.CloseReason;
import dev.servercore.core.Session;
import dev.servercore.core.SessionHandler;
import dev.servercore.core.SessionListener;
import dev.servercore.core.SessionRegistry;
import dev.servercore.support.TestClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that never read while the server pushes to them are closed as slow consumers, and the bytes queued
 * across the server stay under the clients times the cap; a reading client meanwhile keeps echoing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "servercore.port=0", "servercore.send.queue-cap=256KB" })
class SlowConsumerTests {

	private static final int CLIENTS = 50;

	private static final long CAP = 256 * 1024;

	private static final int HIGH_WATER_MARK = 64 * 1024;

	private static final ByteBuf CHUNK = Unpooled.unreleasableBuffer(Unpooled.directBuffer(16 * 1024).writeZero(16 * 1024));

	// Most bytes each pushed-to session held queued, measured on its loop after every send.
	private static final Map<Long, AtomicLong> PEAKS = new ConcurrentHashMap<>();

	@Value("${local.servercore.port}")
	int port;

	@Autowired
	SessionRegistry registry;

	@Test
	void clientsThatNeverReadAreClosedAndServerMemoryStaysBounded() throws Exception {
		Map<Integer, CloseReason> reasons = new ConcurrentHashMap<>();
		this.registry.addListener(new SessionListener() {
			@Override
			public void onClose(Session session, CloseReason reason) {
				reasons.put(session.remoteAddress().getPort(), reason);
			}
		});
		PEAKS.clear();
		List<Socket> sleepers = new ArrayList<>();
		try (TestClient reader = TestClient.connect(this.port)) {
			for (int i = 0; i < CLIENTS; i++) {
				sleepers.add(sleeper());
			}
			// Every sleeper asks to be pushed to, then never reads.
			for (Socket sleeper : sleepers) {
				sleeper.getOutputStream().write("push".getBytes(StandardCharsets.UTF_8));
			}
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
				byte[] hello = "still echoing".getBytes(StandardCharsets.UTF_8);
				reader.send(hello);
				assertThat(reader.read(hello.length)).isEqualTo(hello);
				return sleepers.stream().allMatch((s) -> reasons.containsKey(s.getLocalPort()));
			});
			for (Socket sleeper : sleepers) {
				assertThat(reasons.get(sleeper.getLocalPort())).isEqualTo(CloseReason.SLOW_CONSUMER);
			}
			assertThat(reasons).doesNotContainKey(reader.socket().getLocalPort());
		}
		finally {
			for (Socket sleeper : sleepers) {
				sleeper.close();
			}
		}
		// The sum of every session's own peak bounds the peak across the server at any instant.
		long sumOfPeaks = PEAKS.values().stream().mapToLong(AtomicLong::get).sum();
		long bound = CLIENTS * CAP + HIGH_WATER_MARK;
		System.out.printf("Slow consumers: %d clients, cap %d KiB: sum of per-session peak queues %d KiB (bound %d KiB)%n",
				CLIENTS, CAP / 1024, sumOfPeaks / 1024, bound / 1024);
		assertThat(PEAKS).hasSize(CLIENTS);
		assertThat(PEAKS.values()).allSatisfy((peak) -> assertThat(peak.get()).isPositive().isLessThanOrEqualTo(CAP));
		assertThat(sumOfPeaks).isLessThanOrEqualTo(bound);
	}

	// A client with a tiny receive window that will never read.
	private Socket sleeper() {
		try {
			Socket socket = new Socket();
			socket.setReceiveBufferSize(4096);
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 10_000);
			return socket;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Pusher {

		/** Pushes 16 KiB chunks without pause to a client that says "push"; echoes anything else. */
		@Bean
		@Primary // wins over any handler the application declares
		SessionHandler pushingHandler() {
			return (session, data) -> {
				if (data.toString(StandardCharsets.UTF_8).startsWith("push")) {
					push(session);
				}
				else {
					session.send(data.retain());
				}
			};
		}

		// Deliberately ignores writability: only the send-queue cap stops it.
		private static void push(Session session) {
			if (session.send(CHUNK.retainedDuplicate())) {
				PEAKS.computeIfAbsent(session.id(), (id) -> new AtomicLong())
					.accumulateAndGet(session.bytesQueued(), Math::max);
				session.post(() -> push(session));
			}
		}

		/** Small kernel send buffers, so the queue builds in the server rather than in the kernel. */
		@Bean
		TcpServerCustomizer smallSendBuffers() {
			return (server) -> server.childOption(ChannelOption.SO_SNDBUF, 8192);
		}

	}

}
