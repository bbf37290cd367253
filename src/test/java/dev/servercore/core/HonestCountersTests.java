package dev.servercore.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import dev.servercore.actuate.ServerCoreMeters;
import dev.servercore.support.TestClient;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.CountingMode;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * What the core reports is what happened: received bytes never go backwards on a step registry, a close
 * that bypasses {@link Session#close(CloseReason)} is recorded as what it was, applications cannot give the
 * reasons only the server gives, and {@link Session#closeFuture()} is one stage.
 */
class HonestCountersTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final MockClock clock = new MockClock();

	// Step counting, as Datadog, StatsD or OTLP delta registries do.
	private final SimpleMeterRegistry meters = new SimpleMeterRegistry(new SimpleConfig() {

		@Override
		public String get(String key) {
			return null;
		}

		@Override
		public CountingMode mode() {
			return CountingMode.STEP;
		}

	}, this.clock);

	private final AtomicReference<Session> last = new AtomicReference<>();

	private ServerCore server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop();
		}
		this.meters.close();
	}

	@Test
	void receivedBytesNeverGoBackwardsOnAStepRegistry() {
		start();
		try (TestClient client = TestClient.connect(this.server.port())) {
			client.send(new byte[100]);
			assertThat(client.read(100)).hasSize(100);
			this.clock.add(SimpleConfig.DEFAULT.step());
			assertThat(receivedInLastStep()).isEqualTo(100);
			client.send(new byte[10]);
			assertThat(client.read(10)).hasSize(10);
			this.clock.add(SimpleConfig.DEFAULT.step());
			assertThat(receivedInLastStep()).isEqualTo(10);
		}
	}

	@Test
	void aChannelClosedDirectlyIsAnApplicationCloseAndALoopShutdownAServerShutdown() {
		start();
		try (TestClient client = TestClient.connect(this.server.port())) {
			await().atMost(WAIT).until(() -> this.last.get() != null);
			Session session = this.last.getAndSet(null);
			session.channel().close();
			await().atMost(WAIT).until(() -> session.closed().isDone());
			assertThat(session.closeReason()).isEqualTo(CloseReason.CLOSED_BY_APPLICATION);
		}
		try (TestClient client = TestClient.connect(this.server.port())) {
			await().atMost(WAIT).until(() -> this.last.get() != null);
			Session session = this.last.get();
			this.server.loops().disposeLater().block(WAIT);
			await().atMost(WAIT).until(() -> session.closed().isDone());
			assertThat(session.closeReason()).isEqualTo(CloseReason.SERVER_SHUTDOWN);
		}
	}

	@Test
	void applicationsCannotGiveTheServersReasonsAndTheCloseFutureIsOneStage() {
		start();
		try (TestClient client = TestClient.connect(this.server.port())) {
			await().atMost(WAIT).until(() -> this.last.get() != null);
			Session session = this.last.get();
			for (CloseReason reason : new CloseReason[] { CloseReason.PEER_CLOSED, CloseReason.RESET,
					CloseReason.REJECTED_LIMIT }) {
				assertThatIllegalArgumentException().isThrownBy(() -> session.close(reason))
					.withMessageContaining(reason.name());
			}
			assertThat(session.isOpen()).isTrue();
			assertThat(session.closeFuture() == session.closeFuture()).as("one close stage for every call").isTrue();
		}
	}

	private double receivedInLastStep() {
		return this.meters.get(ServerCoreMeters.RECEIVED_BYTES).functionCounter().count();
	}

	private void start() {
		EventLoops loops = EventLoops.create(Transport.AUTO, 1, "counters-test");
		SessionRegistry registry = new SessionRegistry();
		registry.addListener(new SessionListener() {

			@Override
			public void onOpen(Session session) {
				HonestCountersTests.this.last.set(session);
			}

		});
		SessionPipeline pipeline = new SessionPipeline(registry, new EchoHandler(), new ServerCoreMeters(this.meters, registry),
				SessionSettings.DEFAULTS);
		this.server = new ServerCore(ServerCore.tcpServer("127.0.0.1", 0, loops, pipeline, null), registry, loops);
		this.server.start();
	}

}
