package dev.servercore.app;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import dev.servercore.actuate.ServerCoreMeters;
import dev.servercore.core.CloseReason;
import dev.servercore.core.Session;
import dev.servercore.core.SessionHandler;
import dev.servercore.core.SessionListener;
import dev.servercore.core.SessionRegistry;
import dev.servercore.support.Packets;
import dev.servercore.support.TestClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
 * Each close reason provoked by a real client on a length-prefixed server: the reason, the metric and the
 * registry are right, and a well-behaved client connected at the same time keeps echoing throughout.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "servercore.port=0", "servercore.framing=length-prefixed", "servercore.packet.max-size=1KB",
				"servercore.limits.idle-timeout=1s" })
class CloseReasonsTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Value("${local.servercore.port}")
	int port;

	@Autowired
	SessionRegistry registry;

	@Autowired
	MeterRegistry meters;

	// Close reasons by the client's port (the session's remote port).
	private final Map<Integer, CloseReason> reasons = new ConcurrentHashMap<>();

	private final Map<Integer, Long> ids = new ConcurrentHashMap<>();

	private final SessionListener recorder = new SessionListener() {

		@Override
		public void onOpen(Session session) {
			CloseReasonsTests.this.ids.put(session.remoteAddress().getPort(), session.id());
		}

		@Override
		public void onClose(Session session, CloseReason reason) {
			CloseReasonsTests.this.reasons.put(session.remoteAddress().getPort(), reason);
		}

	};

	private WellBehavedClient wellBehaved;

	@BeforeEach
	void startWellBehavedClient() {
		this.registry.addListener(this.recorder);
		this.wellBehaved = new WellBehavedClient(this.port);
		await().atMost(WAIT).until(() -> this.wellBehaved.echoes.get() > 3);
	}

	@AfterEach
	void wellBehavedClientKeptEchoing() throws Exception {
		int before = this.wellBehaved.echoes.get();
		await().atMost(WAIT).until(() -> this.wellBehaved.echoes.get() > before + 3);
		this.wellBehaved.stop();
		assertThat(this.wellBehaved.failure.get()).as("well-behaved client failure").isNull();
		// Its session closes (PEER_CLOSED) after the half-close grace: before the next test counts closes.
		await().atMost(WAIT).until(() -> this.registry.size() == 0);
		this.registry.removeListener(this.recorder);
	}

	@Test
	void peerClose() {
		provoke(CloseReason.PEER_CLOSED, (client) -> {
			echo(client, "bye");
			client.close();
		});
	}

	@Test
	void reset() {
		provoke(CloseReason.RESET, (client) -> {
			echo(client, "hello");
			// Mid-packet: a header announcing 100 bytes and 3 of them, then a reset (SO_LINGER 0) once the server
			// has read them (ResetStormTests has the reset arriving with the bytes).
			client.send(new byte[] { 0, 0, 0, 100, 1, 2, 3 });
			long id = this.ids.get(client.socket().getLocalPort());
			await().atMost(WAIT).until(() -> this.registry.find(id).map(Session::bytesReceived).orElse(0L) == 4 + 5 + 7);
			client.reset();
		});
	}

	@Test
	void handlerError() {
		provoke(CloseReason.HANDLER_ERROR, (client) -> {
			client.send(Packets.DEFAULT.encode(bytes("throw")));
			// The failure is never sent to the client as text: the connection just ends.
			assertThat(client.readToEnd()).isEmpty();
		});
	}

	@Test
	void closedByApplication() {
		provoke(CloseReason.CLOSED_BY_APPLICATION, (client) -> {
			client.send(Packets.DEFAULT.encode(bytes("echo then close")));
			client.send(Packets.DEFAULT.encode(bytes("close")));
			// What was sent before the close is flushed first.
			assertThat(Packets.DEFAULT.read(client)).isEqualTo(bytes("echo then close"));
			assertThat(client.readToEnd()).isEmpty();
		});
	}

	@Test
	void idleTimeout() {
		provoke(CloseReason.IDLE_TIMEOUT, (client) -> {
			echo(client, "then silence");
			assertThat(client.readToEnd()).isEmpty();
		});
	}

	@Test
	void frameTooLarge() {
		provoke(CloseReason.FRAME_TOO_LARGE, (client) -> {
			// A header announcing 1 MiB; the body never comes: the server must not wait for it.
			client.send(ByteBuffer.allocate(4).putInt(1024 * 1024).array());
			assertThat(client.readToEnd()).isEmpty();
		});
	}

	@Test
	void protocolError() {
		provoke(CloseReason.PROTOCOL_ERROR, (client) -> {
			client.send(ByteBuffer.allocate(8).putInt(-5).putInt(42).array());
			assertThat(client.readToEnd()).isEmpty();
		});
	}

	private void provoke(CloseReason expected, java.util.function.Consumer<TestClient> scenario) {
		double closedBefore = closedCount(expected);
		TestClient client = TestClient.connect(this.port);
		int clientPort = client.socket().getLocalPort();
		await().atMost(WAIT).until(() -> this.ids.containsKey(clientPort));
		long id = this.ids.get(clientPort);
		try {
			scenario.accept(client);
		}
		finally {
			client.close();
		}
		await().atMost(WAIT).until(() -> this.reasons.containsKey(clientPort));
		assertThat(this.reasons.get(clientPort)).isEqualTo(expected);
		assertThat(this.registry.find(id)).isEmpty();
		assertThat(closedCount(expected)).isEqualTo(closedBefore + 1);
	}

	private double closedCount(CloseReason reason) {
		return this.meters.get(ServerCoreMeters.SESSIONS_CLOSED)
			.tag(ServerCoreMeters.REASON_TAG, reason.name())
			.counter()
			.count();
	}

	private static void echo(TestClient client, String text) {
		client.send(Packets.DEFAULT.encode(bytes(text)));
		assertThat(Packets.DEFAULT.read(client)).isEqualTo(bytes(text));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Echoes a numbered packet every few milliseconds on its own thread and records the first failure.
	 */
	static final class WellBehavedClient {

		final AtomicInteger echoes = new AtomicInteger();

		final AtomicReference<Throwable> failure = new AtomicReference<>();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread;

		WellBehavedClient(int port) {
			this.thread = new Thread(() -> {
				try (TestClient client = TestClient.connect(port)) {
					for (int i = 0; this.running.get(); i++) {
						byte[] message = bytes("ping " + i);
						client.send(Packets.DEFAULT.encode(message));
						byte[] echoed = Packets.DEFAULT.read(client);
						if (!Arrays.equals(echoed, message)) {
							throw new AssertionError("echo " + i + " was " + new String(echoed, StandardCharsets.UTF_8));
						}
						this.echoes.incrementAndGet();
						// Pacing, not synchronisation: well under the idle timeout.
						LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
					}
				}
				catch (Throwable ex) {
					this.failure.compareAndSet(null, ex);
				}
			}, "well-behaved-client");
			this.thread.start();
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			this.thread.join(WAIT.toMillis());
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Handler {

		/** Echoes, except "throw" (the handler fails) and "close" (the application closes the session). */
		@Bean
		@Primary // wins over any handler the application declares
		SessionHandler testHandler() {
			return (session, data) -> {
				String text = data.toString(StandardCharsets.UTF_8);
				if (text.equals("throw")) {
					throw new IllegalStateException("handler failure on purpose");
				}
				if (text.equals("close")) {
					session.close(CloseReason.CLOSED_BY_APPLICATION);
					return;
				}
				ByteBuf echo = data.retain();
				session.send(echo);
			};
		}

	}

}
