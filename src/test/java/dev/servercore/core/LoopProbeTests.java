package dev.servercore.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LoopProbe}: on real event loops, a loop blocked on purpose is reported stalled, by index
 * and thread name, and its lag is recorded once it runs again.
 */
class LoopProbeTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ConcurrentMap<Integer, AtomicLong> maxLag = new ConcurrentHashMap<>();

	private final ConcurrentMap<Integer, AtomicLong> samples = new ConcurrentHashMap<>();

	private EventLoops loops;

	private LoopProbe probe;

	@BeforeEach
	void startProbe() {
		this.loops = EventLoops.create(Transport.NIO, 2, "probe-test");
		ServerMetrics metrics = new ServerMetrics() {

			@Override
			public void loopLag(int loopIndex, long nanos) {
				LoopProbeTests.this.samples.computeIfAbsent(loopIndex, (i) -> new AtomicLong()).incrementAndGet();
				LoopProbeTests.this.maxLag.computeIfAbsent(loopIndex, (i) -> new AtomicLong())
					.accumulateAndGet(nanos, Math::max);
			}

		};
		this.probe = new LoopProbe(this.loops.group(), Duration.ofMillis(20), metrics);
		this.probe.start();
	}

	@AfterEach
	void stop() {
		this.probe.close();
		this.loops.disposeLater().block(WAIT);
	}

	@Test
	void everyLoopIsProbedAndNamedInIndexOrder() {
		await().atMost(WAIT).until(() -> this.samples.size() == 2
				&& this.samples.values().stream().allMatch((count) -> count.get() >= 3));
		assertThat(this.probe.loopCount()).isEqualTo(2);
		assertThat(this.probe.threadName(0)).isEqualTo("probe-test-0");
		assertThat(this.probe.threadName(1)).isEqualTo("probe-test-1");
		assertThat(this.probe.stalled(Duration.ofSeconds(1))).isEmpty();
	}

	@Test
	void aBlockedLoopIsReportedStalledUntilReleasedAndItsLagIsRecorded() throws Exception {
		await().atMost(WAIT).until(() -> this.samples.size() == 2);
		List<EventExecutor> group = new ArrayList<>();
		this.loops.group().forEach(group::add);
		EventExecutor second = group.get(1);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch blocked = new CountDownLatch(1);
		second.execute(() -> {
			blocked.countDown();
			try {
				release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		try {
			assertThat(blocked.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("loop 1 blocked").isTrue();
			await().atMost(WAIT).until(() -> !this.probe.stalled(Duration.ofMillis(200)).isEmpty());
			List<LoopProbe.Stall> stalled = this.probe.stalled(Duration.ofMillis(200));
			assertThat(stalled).singleElement().satisfies((stall) -> {
				assertThat(stall.index()).isEqualTo(1);
				assertThat(stall.threadName()).isEqualTo("probe-test-1");
				assertThat(stall.waiting()).isGreaterThan(Duration.ofMillis(200));
				assertThat(stall.toString()).contains("probe-test-1 (loop 1)");
			});
		}
		finally {
			release.countDown();
		}
		await().atMost(WAIT).until(() -> this.probe.stalled(Duration.ofMillis(200)).isEmpty());
		assertThat(this.maxLag.get(1).get()).isGreaterThan(Duration.ofMillis(200).toNanos());
		assertThat(this.maxLag.get(0).get()).isLessThan(Duration.ofMillis(200).toNanos());
	}

	@Test
	void loopsThatAreShuttingDownAreNotReportedStalled() {
		await().atMost(WAIT).until(() -> this.samples.size() == 2);
		this.loops.disposeLater().block(WAIT);
		assertThat(this.probe.stalled(Duration.ofNanos(1))).isEmpty();
	}

	@Test
	void rejectsANonPositiveIntervalOrDeadline() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new LoopProbe(this.loops.group(), Duration.ZERO, ServerMetrics.NONE))
			.withMessageContaining("interval");
		assertThatIllegalArgumentException().isThrownBy(() -> this.probe.stalled(Duration.ZERO))
			.withMessageContaining("deadline");
	}

}
