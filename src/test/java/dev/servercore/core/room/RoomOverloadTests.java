package dev.servercore.core.room;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.servercore.core.SessionRegistry;
import io.netty.channel.DefaultEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A room's queue is bounded: when it is full, posts are rejected at once and counted, the room's handler is
 * told once, and the room recovers when its queue drains; scheduled jobs count until they run.
 */
class RoomOverloadTests {

	private static final int CAPACITY = 100;

	private final DefaultEventLoopGroup loops = new DefaultEventLoopGroup(1);

	private final AtomicInteger overloadCalls = new AtomicInteger();

	private final AtomicInteger jobRejections = new AtomicInteger();

	private final RoomRegistry rooms = new RoomRegistry(new SessionRegistry(), this.loops, CAPACITY,
			new RoomMetrics() {

				@Override
				public void jobRejected() {
					RoomOverloadTests.this.jobRejections.incrementAndGet();
				}

			});

	@AfterEach
	void stopLoops() {
		this.loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Test
	void aFullQueueRejectsPostsWithoutGrowingTellsTheRoomOnceAndRecovers() throws InterruptedException {
		Room room = this.rooms.create("busy", new RoomHandler() {

			@Override
			public void onOverload(Room room) {
				RoomOverloadTests.this.overloadCalls.incrementAndGet();
			}

		});
		// Hold the room's (test-only) loop so that jobs pile up; the running job is out of the queue.
		CountDownLatch hold = new CountDownLatch(1);
		CountDownLatch held = new CountDownLatch(1);
		assertThat(room.post(() -> {
			held.countDown();
			waitFor(hold);
		})).isTrue();
		assertThat(held.await(10, TimeUnit.SECONDS)).as("room held").isTrue();
		AtomicInteger ran = new AtomicInteger();
		for (int i = 0; i < CAPACITY; i++) {
			assertThat(room.post(ran::incrementAndGet)).as("post " + i).isTrue();
		}
		for (int i = 0; i < 1000; i++) {
			assertThat(room.post(ran::incrementAndGet)).as("post past the capacity").isFalse();
			assertThat(room.queueDepth()).as("queue depth").isLessThanOrEqualTo(CAPACITY);
		}
		assertThat(room.jobsRejected()).isEqualTo(1000);
		assertThat(this.jobRejections).hasValue(1000);
		hold.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == CAPACITY);
		assertThat(this.overloadCalls).as("overload callbacks for one overload").hasValue(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> room.queueDepth() == 0);
		assertThat(room.post(ran::incrementAndGet)).as("post after the queue drained").isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == CAPACITY + 1);
		assertThat(room.isDisposed()).as("a persistent room outlives its overload").isFalse();
	}

	@Test
	void scheduledJobsRunOnTheRoomAfterTheirDelayAndCountAgainstTheCapacityUntilThen() {
		Room room = this.rooms.create("timers", new RoomHandler() {
		});
		// The room's own start-up job counts against the capacity until it has run (seen on a cold JVM).
		await().atMost(Duration.ofSeconds(10)).until(() -> room.queueDepth() == 0);
		long start = System.nanoTime();
		AtomicLong ranAfter = new AtomicLong(-1);
		AtomicInteger offLoop = new AtomicInteger();
		assertThat(room.schedule(Duration.ofMillis(100), () -> {
			ranAfter.set(System.nanoTime() - start);
			if (!room.eventLoop().inEventLoop()) {
				offLoop.incrementAndGet();
			}
		})).isTrue();
		for (int i = 1; i < CAPACITY; i++) {
			assertThat(room.schedule(Duration.ofMinutes(10), () -> {
			})).as("timer " + i).isTrue();
		}
		assertThat(room.schedule(Duration.ofMinutes(10), () -> {
		})).as("timer past the capacity").isFalse();
		assertThat(room.post(() -> {
		})).as("post while the timers fill the queue").isFalse();
		await().atMost(Duration.ofSeconds(10)).until(() -> ranAfter.get() >= 0);
		assertThat(ranAfter.get()).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
		assertThat(offLoop).hasValue(0);
		assertThat(room.post(() -> {
		})).as("post once a timer has run").isTrue();
	}

	private static void waitFor(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
