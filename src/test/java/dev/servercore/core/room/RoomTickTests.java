package dev.servercore.core.room;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.servercore.core.SessionRegistry;
import io.netty.channel.DefaultEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A room's fixed-rate tick: the rate holds, ticks never overlap, an overrun is counted, and the ticks it
 * overran are skipped rather than run in a burst.
 */
class RoomTickTests {

	private final DefaultEventLoopGroup loops = new DefaultEventLoopGroup(1);

	private final RoomRegistry rooms = new RoomRegistry(new SessionRegistry(), this.loops, 100, RoomMetrics.NONE);

	@AfterEach
	void stopLoops() {
		this.loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Test
	void sixtyHertzForThreeSecondsIsAboutOneHundredEightyTicksThatNeverOverlap() {
		TickRecorder recorder = new TickRecorder(Duration.ofSeconds(3), -1);
		Room room = this.rooms.create("ticking", recorder);
		room.startTicking(60);
		await().atMost(Duration.ofSeconds(10)).until(() -> recorder.done);
		assertThat(recorder.overlaps).as("ticks that started while another ran").hasValue(0);
		assertThat(recorder.starts.size()).as("ticks in 3 s at 60 Hz").isBetween(174, 181);
		assertThat(room.ticks()).as("ticks counted, the last one included").isEqualTo(recorder.starts.size() + 1);
		System.out.printf("60 Hz for 3 s: %d ticks, %d overruns, duration p50 %d us, p99 %d us, period %s%n",
				room.ticks(), room.tickOverruns(), room.tickDuration(50).toNanos() / 1000,
				room.tickDuration(99).toNanos() / 1000, periods(recorder.starts));
	}

	@Test
	void aTickThatOverrunsIsCountedAndTheTicksItOverranAreSkippedNotBurst() {
		// The 10th tick sleeps for four periods (50 ms at 60 Hz is three periods): in a test room only.
		TickRecorder recorder = new TickRecorder(Duration.ofMillis(800), 10);
		Room room = this.rooms.create("slow", recorder);
		room.startTicking(60);
		await().atMost(Duration.ofSeconds(10)).until(() -> recorder.done);
		// At least the slow one: on a busy machine a tick can also start so late that it ends past the next.
		assertThat(room.tickOverruns()).as("overruns").isPositive();
		// A catch-up burst would start the three overran ticks back to back, within one period.
		long period = TimeUnit.SECONDS.toNanos(1) / 60;
		List<Long> starts = recorder.starts;
		for (int i = 2; i < starts.size(); i++) {
			assertThat(starts.get(i) - starts.get(i - 2)).as("three ticks within one period, at tick " + i)
				.isGreaterThan(period);
		}
		assertThat(starts.size()).as("ticks in 0.8 s at 60 Hz, three skipped").isBetween(30, 46);
	}

	private static String periods(List<Long> starts) {
		long min = Long.MAX_VALUE;
		long max = 0;
		for (int i = 1; i < starts.size(); i++) {
			long gap = starts.get(i) - starts.get(i - 1);
			min = Math.min(min, gap);
			max = Math.max(max, gap);
		}
		return "min " + min / 1000 + " us, max " + max / 1000 + " us";
	}

	/** Records when each tick starts, checks none overlaps another, and stops ticking after a while. */
	private static final class TickRecorder implements RoomHandler {

		private final long runNanos;

		private final int slowTick;

		private final List<Long> starts = new CopyOnWriteArrayList<>();

		private final AtomicInteger running = new AtomicInteger();

		private final AtomicInteger overlaps = new AtomicInteger();

		private long first;

		private volatile boolean done;

		TickRecorder(Duration run, int slowTick) {
			this.runNanos = run.toNanos();
			this.slowTick = slowTick;
		}

		@Override
		public void onTick(Room room) {
			if (this.running.getAndIncrement() != 0) {
				this.overlaps.incrementAndGet();
			}
			long now = System.nanoTime();
			if (this.starts.isEmpty()) {
				// The ticks started one period before the first.
				this.first = now - TimeUnit.SECONDS.toNanos(1) / 60;
			}
			if (now - this.first >= this.runNanos) {
				room.stopTicking();
				this.done = true;
			}
			else {
				this.starts.add(now);
				if (this.starts.size() == this.slowTick) {
					sleep(Duration.ofMillis(4 * 1000 / 60));
				}
			}
			this.running.decrementAndGet();
		}

		private static void sleep(Duration duration) {
			try {
				Thread.sleep(duration.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
