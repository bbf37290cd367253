package dev.servercore.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.servercore.support.TestClient;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The open and close paths survive a {@link SessionListener} and a {@link ServerMetrics} that throw: the limit
 * slot and the registry entry are released, the close future completes, later listeners still run, and the
 * handler's {@code onClose} comes only after its {@code onOpen}.
 */
class FailingObserversTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private ServerCore server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop();
		}
	}

	@Test
	void aThrowingListenerAndMetricsLeaveNoGhostSession() {
		AtomicInteger opened = new AtomicInteger();
		AtomicInteger closed = new AtomicInteger();
		SessionHandler handler = new SessionHandler() {

			@Override
			public void onOpen(Session session) {
				opened.incrementAndGet();
			}

			@Override
			public void onReceive(Session session, ByteBuf data) {
				session.send(data.retain());
			}

			@Override
			public void onClose(Session session, CloseReason reason) {
				closed.incrementAndGet();
			}

		};
		ServerMetrics failingMetrics = new ServerMetrics() {

			@Override
			public void sessionOpened() {
				throw new IllegalStateException("metrics failure on purpose");
			}

			@Override
			public void sessionClosed(CloseReason reason) {
				throw new IllegalStateException("metrics failure on purpose");
			}

		};
		SessionRegistry registry = new SessionRegistry();
		registry.addListener(new SessionListener() {

			@Override
			public void onOpen(Session session) {
				throw new IllegalStateException("listener failure on purpose");
			}

			@Override
			public void onClose(Session session, CloseReason reason) {
				throw new IllegalStateException("listener failure on purpose");
			}

		});
		List<Session> seenOpen = new CopyOnWriteArrayList<>();
		List<CloseReason> seenClosed = new CopyOnWriteArrayList<>();
		registry.addListener(new SessionListener() {

			@Override
			public void onOpen(Session session) {
				seenOpen.add(session);
			}

			@Override
			public void onClose(Session session, CloseReason reason) {
				seenClosed.add(reason);
			}

		});
		// At most one session: a ghost would refuse the second client.
		SessionSettings settings = SessionSettings.DEFAULTS.withLimits(1, 0);
		EventLoops loops = EventLoops.create(Transport.AUTO, 1, "observers-test");
		this.server = new ServerCore(ServerCore.tcpServer("127.0.0.1", 0, loops,
				new SessionPipeline(registry, handler, failingMetrics, settings), null), registry, loops);
		this.server.start();
		try (TestClient first = TestClient.connect(this.server.port())) {
			first.send(new byte[] { 1 });
			assertThat(first.read(1)).containsExactly(1);
		}
		await().atMost(WAIT).until(() -> seenOpen.size() == 1 && seenOpen.get(0).closeFuture().toCompletableFuture().isDone());
		assertThat(seenClosed).containsExactly(CloseReason.PEER_CLOSED);
		assertThat(registry.size()).isZero();
		try (TestClient second = TestClient.connect(this.server.port())) {
			second.send(new byte[] { 2 });
			assertThat(second.read(1)).containsExactly(2);
		}
		await().atMost(WAIT).until(() -> closed.get() == 2);
		assertThat(opened).hasValue(2);
	}

}
