package dev.servercore.core.room;

import java.util.Arrays;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;

/**
 * A room's fixed-rate tick on its event loop, measured: each tick's lag (how late it started) and duration.
 *
 * <p>Ticks are due at fixed times, {@code start + k * period}. A tick that ends after the next one was due
 * has overrun: it is counted, and the ticks it overran are skipped rather than run back to back, so a slow
 * tick never causes a catch-up burst (Netty's {@code scheduleAtFixedRate} would run them all at once).
 */
final class Tick implements Runnable {

	/** How many recent ticks the percentiles are taken over. */
	static final int RECENT = 256;

	private final Room room;

	private final EventLoop loop;

	private final int ticksPerSecond;

	private final long periodNanos;

	private final RoomMetrics metrics;

	// Written on the room's loop; the recent figures are read racily by monitoring.
	private final long[] recentDurations = new long[RECENT];

	private long dueAt;

	private ScheduledFuture<?> next;

	private boolean stopped;

	private volatile long count;

	private volatile long overruns;

	Tick(Room room, EventLoop loop, int ticksPerSecond, RoomMetrics metrics) {
		this.room = room;
		this.loop = loop;
		this.ticksPerSecond = ticksPerSecond;
		this.periodNanos = TimeUnit.SECONDS.toNanos(1) / ticksPerSecond;
		this.metrics = metrics;
	}

	void start() {
		this.dueAt = System.nanoTime() + this.periodNanos;
		this.next = this.loop.schedule(this, this.periodNanos, TimeUnit.NANOSECONDS);
	}

	void stop() {
		this.stopped = true;
		if (this.next != null) {
			this.next.cancel(false);
		}
	}

	@Override
	public void run() {
		if (this.stopped) {
			return;
		}
		long start = System.nanoTime();
		long lag = Math.max(0, start - this.dueAt);
		this.room.runTick();
		long end = System.nanoTime();
		long duration = end - start;
		long nextDue = this.dueAt + this.periodNanos;
		boolean overran = end > nextDue;
		if (overran) {
			// Skip the ticks that are already due: the next one keeps the original phase.
			nextDue += ((end - nextDue) / this.periodNanos + 1) * this.periodNanos;
			this.overruns = this.overruns + 1;
		}
		this.recentDurations[(int) (this.count % RECENT)] = duration;
		this.count = this.count + 1;
		this.metrics.tick(duration, lag, overran);
		this.dueAt = nextDue;
		if (!this.stopped) {
			this.next = this.loop.schedule(this, nextDue - System.nanoTime(), TimeUnit.NANOSECONDS);
		}
	}

	int ticksPerSecond() {
		return this.ticksPerSecond;
	}

	long count() {
		return this.count;
	}

	long overruns() {
		return this.overruns;
	}

	/**
	 * Returns a percentile of the recent ticks' durations.
	 * @param percentile from 0 to 100
	 * @return the duration in nanoseconds, 0 before the first tick
	 */
	long durationPercentile(double percentile) {
		int size = (int) Math.min(this.count, RECENT);
		if (size == 0) {
			return 0;
		}
		long[] sorted = Arrays.copyOf(this.recentDurations, size);
		Arrays.sort(sorted);
		int index = (int) Math.ceil(percentile / 100 * size) - 1;
		return sorted[Math.max(0, Math.min(size - 1, index))];
	}

}
