package dev.servercore.core;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.servercore.support.TestClient;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ServerCore#drain(Duration)} without Spring: who is told, who closes, with which reason,
 * and how long it takes.
 */
class ServerCoreDrainTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final Map<Long, CloseReason> reasons = new ConcurrentHashMap<>();

	private ServerCore server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop();
		}
	}

	@Test
	void sessionsThatLeaveWhenToldEndTheDrainEarly() {
		start(new EchoThenOnDrain() {

			@Override
			public void onDrain(Session session) {
				session.close(CloseReason.CLOSED_BY_APPLICATION);
			}

		});
		try (TestClient one = TestClient.connect(this.server.port()); TestClient two = TestClient.connect(this.server.port())) {
			await().atMost(WAIT).until(() -> this.server.registry().size() == 2);
			readToEndThenClose(one);
			readToEndThenClose(two);
			DrainResult result = this.server.drain(Duration.ofSeconds(30));
			assertThat(result.sessions()).isEqualTo(2);
			assertThat(result.closedByServer()).isZero();
			assertThat(result.leftOnTheirOwn()).isEqualTo(2);
			assertThat(result.duration()).isLessThan(Duration.ofSeconds(5));
			assertThat(this.reasons.values()).containsOnly(CloseReason.CLOSED_BY_APPLICATION).hasSize(2);
			assertThat(this.server.isDraining()).isTrue();
			assertThat(this.server.isListening()).isFalse();
			assertThat(isRefused(this.server.port())).isTrue();
		}
	}

	@Test
	void sessionsStillOpenAtTheTimeoutAreClosedWithServerShutdownAfterTheirEcho() {
		start(new EchoHandler());
		try (TestClient client = TestClient.connect(this.server.port())) {
			client.send(new byte[] { 1, 2, 3 });
			await().atMost(WAIT).until(() -> this.server.registry().size() == 1);
			CompletableFuture<byte[]> received = readToEndThenClose(client);
			DrainResult result = this.server.drain(Duration.ofMillis(200));
			assertThat(result.sessions()).isEqualTo(1);
			assertThat(result.closedByServer()).isEqualTo(1);
			assertThat(result.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(200));
			assertThat(received.join()).containsExactly(1, 2, 3);
			assertThat(this.reasons.values()).containsExactly(CloseReason.SERVER_SHUTDOWN);
		}
	}

	@Test
	void aHandlerThatFailsWhenToldClosesOnlyItsSession() {
		start(new EchoThenOnDrain() {

			@Override
			public void onDrain(Session session) {
				throw new IllegalStateException("drain failed on purpose");
			}

		});
		try (TestClient client = TestClient.connect(this.server.port())) {
			await().atMost(WAIT).until(() -> this.server.registry().size() == 1);
			readToEndThenClose(client);
			DrainResult result = this.server.drain(Duration.ofSeconds(30));
			assertThat(result.closedByServer()).isZero();
			assertThat(this.reasons.values()).containsExactly(CloseReason.HANDLER_ERROR);
		}
	}

	@Test
	void aZeroTimeoutClosesAtOnceAndANegativeOneIsRejected() {
		start(new EchoHandler());
		assertThatIllegalArgumentException().isThrownBy(() -> this.server.drain(Duration.ofMillis(-1)))
			.withMessageContaining("timeout");
		try (TestClient client = TestClient.connect(this.server.port())) {
			await().atMost(WAIT).until(() -> this.server.registry().size() == 1);
			CompletableFuture<byte[]> received = readToEndThenClose(client);
			DrainResult result = this.server.drain(Duration.ZERO);
			assertThat(result.closedByServer()).isEqualTo(1);
			assertThat(received.join()).isEmpty();
		}
	}

	@Test
	void theDrainLineReadsRightWithNoneOrOneSession() {
		Duration timeout = Duration.ofMillis(500);
		assertThat(ServerCore.describe(new DrainResult(0, 0, Duration.ZERO), timeout)).isEqualTo("no sessions");
		assertThat(ServerCore.describe(new DrainResult(1, 0, Duration.ZERO), timeout))
			.isEqualTo("1 session, 1 ended on their own");
		assertThat(ServerCore.describe(new DrainResult(2, 1, Duration.ZERO), timeout))
			.isEqualTo("2 sessions, 1 ended on their own, 1 closed with SERVER_SHUTDOWN after the 500 ms drain timeout");
		assertThat(ServerCore.describe(new DrainResult(1, 1, Duration.ZERO), Duration.ZERO))
			.isEqualTo("1 session, 0 ended on their own, 1 closed with SERVER_SHUTDOWN at once (no drain timeout)");
		assertThat(new DrainResult(1, 2, Duration.ZERO).leftOnTheirOwn()).isZero();
	}

	private void start(SessionHandler handler) {
		EventLoops loops = EventLoops.create(Transport.AUTO, 1, "drain-test");
		SessionRegistry registry = new SessionRegistry();
		registry.addListener(new SessionListener() {

			@Override
			public void onClose(Session session, CloseReason reason) {
				ServerCoreDrainTests.this.reasons.put(session.id(), reason);
			}

		});
		SessionPipeline pipeline = new SessionPipeline(registry, handler, ServerMetrics.NONE, SessionSettings.DEFAULTS);
		this.server = new ServerCore(ServerCore.tcpServer("127.0.0.1", 0, loops, pipeline, null), registry, loops);
		this.server.start();
	}

	// A client that closes once it has read everything, as clients do: that ends the server's lingering close
	// at once instead of at the close flush timeout.
	private static CompletableFuture<byte[]> readToEndThenClose(TestClient client) {
		return CompletableFuture.supplyAsync(() -> {
			byte[] received = client.readToEnd();
			client.close();
			return received;
		});
	}

	private static boolean isRefused(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			return false;
		}
		catch (ConnectException ex) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Echoes; subclasses say what a session does when told to drain. */
	private abstract static class EchoThenOnDrain implements SessionHandler {

		@Override
		public void onReceive(Session session, ByteBuf data) {
			session.send(data.retain());
		}

	}

}
