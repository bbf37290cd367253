package dev.servercore.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

/**
 * Measures event-loop lag: how long a task posted to each loop waits before it runs, and which loops have
 * not run their probe for too long (a stalled loop, for example a handler that blocks).
 *
 * <p>A small daemon scheduler thread, never an event loop, posts one probe task to every loop each
 * interval and reports the wait through {@link ServerMetrics#loopLag(int, long)}. A loop whose probe is
 * still waiting gets no second one, so a stalled loop does not pile up probes; the wait is reported once
 * the probe finally runs. Each loop's probe task is created once: probing allocates nothing.
 *
 * <pre>
 * LoopProbe probe = new LoopProbe(loops.group(), Duration.ofSeconds(1), metrics);
 * probe.start();
 * List&lt;LoopProbe.Stall&gt; stalled = probe.stalled(Duration.ofSeconds(1));
 * </pre>
 */
public final class LoopProbe implements AutoCloseable {

	/** How often each loop is probed by default. */
	public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

	/** How long a probe may wait before its loop counts as stalled, by default. */
	public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(1);

	/** Name of the probing thread. */
	public static final String THREAD_NAME = "servercore-loop-probe";

	// Marks "no probe outstanding" in postedAt; System.nanoTime() returning exactly this is not a concern.
	private static final long NONE = Long.MIN_VALUE;

	private final List<EventExecutor> loops = new ArrayList<>();

	private final Probe[] probes;

	private final Duration interval;

	private final ServerMetrics metrics;

	private final AtomicLongArray postedAt;

	private final AtomicReferenceArray<String> threadNames;

	private final BooleanSupplier stopping;

	private volatile ScheduledExecutorService scheduler;

	/**
	 * Creates a probe of servercore's loops; nothing runs until {@link #start()}. A loop that ends before
	 * {@link EventLoops#isStopping()} is reported dead.
	 * @param loops the event loops; a loop's index is its position in the group's iteration order
	 * @param interval how often each loop is probed, strictly positive
	 * @param metrics where each loop's lag is reported
	 */
	public LoopProbe(EventLoops loops, Duration interval, ServerMetrics metrics) {
		this(loops.group(), loops::isStopping, interval, metrics);
	}

	/**
	 * Creates a probe; nothing runs until {@link #start()}. A loop that ends while the group as a whole is not
	 * shutting down is reported dead.
	 * @param group the event loops; a loop's index is its position in the group's iteration order
	 * @param interval how often each loop is probed, strictly positive
	 * @param metrics where each loop's lag is reported
	 */
	public LoopProbe(EventLoopGroup group, Duration interval, ServerMetrics metrics) {
		this(group, group::isShuttingDown, interval, metrics);
	}

	private LoopProbe(EventLoopGroup group, BooleanSupplier stopping, Duration interval, ServerMetrics metrics) {
		Objects.requireNonNull(group, "group");
		this.stopping = stopping;
		this.interval = Objects.requireNonNull(interval, "interval");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("interval must be strictly positive, was: " + interval);
		}
		group.forEach(this.loops::add);
		int count = this.loops.size();
		this.postedAt = new AtomicLongArray(count);
		this.threadNames = new AtomicReferenceArray<>(count);
		this.probes = new Probe[count];
		for (int i = 0; i < count; i++) {
			this.postedAt.set(i, NONE);
			this.probes[i] = new Probe(i);
		}
	}

	/**
	 * Starts probing: the first round is posted at once, in loop order. Idempotent.
	 */
	public synchronized void start() {
		if (this.scheduler != null) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, THREAD_NAME);
			thread.setDaemon(true);
			return thread;
		});
		long period = this.interval.toNanos();
		executor.scheduleAtFixedRate(this::probeAll, 0, period, TimeUnit.NANOSECONDS);
		this.scheduler = executor;
	}

	/**
	 * Stops probing. Idempotent.
	 */
	@Override
	public synchronized void close() {
		ScheduledExecutorService executor = this.scheduler;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	/**
	 * Returns the number of loops probed.
	 * @return the loop count
	 */
	public int loopCount() {
		return this.probes.length;
	}

	/**
	 * Returns the name of a loop's thread, as seen by its last probe.
	 * @param index the loop index
	 * @return the thread name, or {@code "loop-<index>"} before its first probe ran
	 */
	public String threadName(int index) {
		String name = this.threadNames.get(index);
		return (name != null) ? name : "loop-" + index;
	}

	/**
	 * Returns the loops whose probe has been waiting longer than {@code deadline}, and the loops that are dead:
	 * their thread ended (an {@code Error} escaped the transport's loop) although nobody asked them to stop.
	 * Loops stopped on purpose are not reported.
	 * @param deadline how long a probe may wait, strictly positive
	 * @return the stalled and dead loops, by index; empty when every loop is running its tasks
	 */
	public List<Stall> stalled(Duration deadline) {
		Objects.requireNonNull(deadline, "deadline");
		if (deadline.isNegative() || deadline.isZero()) {
			throw new IllegalArgumentException("deadline must be strictly positive, was: " + deadline);
		}
		long now = System.nanoTime();
		long limit = deadline.toNanos();
		List<Stall> stalled = new ArrayList<>(0);
		boolean onPurpose = this.stopping.getAsBoolean();
		for (int i = 0; i < this.probes.length; i++) {
			long posted = this.postedAt.get(i);
			Duration waiting = (posted != NONE) ? Duration.ofNanos(now - posted) : Duration.ZERO;
			if (this.loops.get(i).isShuttingDown()) {
				if (!onPurpose) {
					stalled.add(new Stall(i, threadName(i), waiting, true));
				}
			}
			else if (posted != NONE && now - posted > limit) {
				stalled.add(new Stall(i, threadName(i), waiting, false));
			}
		}
		return stalled;
	}

	private void probeAll() {
		for (int i = 0; i < this.probes.length; i++) {
			EventExecutor loop = this.loops.get(i);
			if (loop.isShuttingDown() || !this.postedAt.compareAndSet(i, NONE, System.nanoTime())) {
				// Shutting down, or the last probe is still waiting: the loop is stalled or very busy.
				continue;
			}
			try {
				loop.execute(this.probes[i]);
			}
			catch (RejectedExecutionException ex) {
				// The loop began shutting down after the check above.
				this.postedAt.set(i, NONE);
			}
		}
	}

	/**
	 * A loop whose probe has waited past the deadline, or whose thread has ended.
	 *
	 * @param index the loop's index in the group
	 * @param threadName the loop's thread name
	 * @param waiting how long its probe has waited so far (zero when none was outstanding)
	 * @param dead whether the loop's thread has ended: its sessions and tasks will never run again
	 */
	public record Stall(int index, String threadName, Duration waiting, boolean dead) {

		@Override
		public String toString() {
			if (this.dead) {
				return this.threadName + " (loop " + this.index + ") is dead: its thread ended";
			}
			return this.threadName + " (loop " + this.index + ") has not run a task for " + this.waiting.toMillis()
					+ " ms";
		}

	}

	/** The task posted to one loop; reused for every round. */
	private final class Probe implements Runnable {

		private final int index;

		Probe(int index) {
			this.index = index;
		}

		@Override
		public void run() {
			long waited = System.nanoTime() - LoopProbe.this.postedAt.get(this.index);
			if (LoopProbe.this.threadNames.get(this.index) == null) {
				LoopProbe.this.threadNames.set(this.index, Thread.currentThread().getName());
			}
			LoopProbe.this.postedAt.set(this.index, NONE);
			LoopProbe.this.metrics.loopLag(this.index, waited);
		}

	}

}
