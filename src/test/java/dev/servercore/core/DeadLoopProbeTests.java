package dev.servercore.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LoopProbe} on every transport: a loop whose thread ends (an {@code Error} escaping the
 * transport's own loop, here thrown on purpose by a wrapped I/O handler) is reported dead, by index and
 * thread name, until the loops are stopped on purpose.
 */
class DeadLoopProbeTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	// The thread whose I/O handler throws at its next run.
	private static volatile Thread doomed;

	@ParameterizedTest
	@EnumSource(value = Transport.class, names = { "IO_URING", "EPOLL", "NIO" })
	void aLoopWhoseThreadEndedIsReportedDeadUntilTheLoopsAreStopped(Transport transport) {
		EventLoops loops = EventLoops.create(transport, 2, "dead-test", IoUringSettings.DEFAULTS,
				DeadLoopProbeTests::killable);
		LoopProbe probe = new LoopProbe(loops, Duration.ofMillis(20), ServerMetrics.NONE);
		probe.start();
		try {
			await().atMost(WAIT).until(() -> probe.threadName(1).equals("dead-test-1"));
			List<EventExecutor> group = new ArrayList<>();
			loops.group().forEach(group::add);
			group.get(1).execute(() -> doomed = Thread.currentThread());
			await().atMost(WAIT).until(() -> group.get(1).isShuttingDown());

			List<LoopProbe.Stall> stalls = probe.stalled(Duration.ofSeconds(30));
			assertThat(stalls).singleElement().satisfies((stall) -> {
				assertThat(stall.index()).isEqualTo(1);
				assertThat(stall.dead()).isTrue();
				assertThat(stall.threadName()).isEqualTo("dead-test-1");
				assertThat(stall.toString()).isEqualTo("dead-test-1 (loop 1) is dead: its thread ended");
			});
		}
		finally {
			loops.disposeLater().block(WAIT);
			probe.close();
		}
		assertThat(probe.stalled(Duration.ofNanos(1))).isEmpty();
	}

	private static IoHandlerFactory killable(IoHandlerFactory factory) {
		return (executor) -> new KillableIoHandler(factory.newHandler(executor));
	}

	/** The transport's handler, except that it throws an {@code Error} on the doomed thread. */
	private static final class KillableIoHandler implements IoHandler {

		private final IoHandler delegate;

		KillableIoHandler(IoHandler delegate) {
			this.delegate = delegate;
		}

		@Override
		public void initialize() {
			this.delegate.initialize();
		}

		@Override
		public int run(IoHandlerContext context) {
			if (doomed == Thread.currentThread()) {
				doomed = null;
				throw new Error("ending this event loop's thread on purpose (test)");
			}
			return this.delegate.run(context);
		}

		@Override
		public void prepareToDestroy() {
			this.delegate.prepareToDestroy();
		}

		@Override
		public void destroy() {
			this.delegate.destroy();
		}

		@Override
		public IoRegistration register(IoHandle handle) throws Exception {
			return this.delegate.register(handle);
		}

		@Override
		public void wakeup() {
			this.delegate.wakeup();
		}

		@Override
		public boolean isCompatible(Class<? extends IoHandle> handleType) {
			return this.delegate.isCompatible(handleType);
		}

	}

}
