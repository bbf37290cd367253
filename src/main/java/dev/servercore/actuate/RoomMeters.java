package dev.servercore.actuate;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.servercore.core.room.RoomMetrics;
import dev.servercore.core.room.RoomRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records rooms in Micrometer, summed over all rooms: no meter is tagged by room, since the count of rooms
 * has no bound. Per-room detail is in the {@code rooms} Actuator endpoint.
 */
public final class RoomMeters implements RoomMetrics {

	/** Rooms that exist. */
	public static final String ROOMS_ACTIVE = ServerCoreMeters.PREFIX + "rooms.active";

	/** Members of all rooms (a session in two rooms counts twice). */
	public static final String ROOMS_MEMBERS = ServerCoreMeters.PREFIX + "rooms.members";

	/** Room jobs run. */
	public static final String JOBS_RUN = ServerCoreMeters.PREFIX + "rooms.jobs.run";

	/** Room jobs rejected because a room's queue was full. */
	public static final String JOBS_REJECTED = ServerCoreMeters.PREFIX + "rooms.jobs.rejected";

	/** How long room ticks run. */
	public static final String TICK_DURATION = ServerCoreMeters.PREFIX + "rooms.tick.duration";

	/** How late room ticks start after they were due. */
	public static final String TICK_LAG = ServerCoreMeters.PREFIX + "rooms.tick.lag";

	/** Ticks that ended after the next tick was due. */
	public static final String TICKS_OVERRUN = ServerCoreMeters.PREFIX + "rooms.ticks.overrun";

	/** Messages queued to members by broadcasts (one per member reached). */
	public static final String BROADCAST_MESSAGES = ServerCoreMeters.PREFIX + "rooms.broadcast.messages";

	/** Payload bytes queued to members by broadcasts. */
	public static final String BROADCAST_BYTES = ServerCoreMeters.PREFIX + "rooms.broadcast.bytes";

	// From 100 us to 100 ms: a 60 Hz tick has 16.7 ms; a few series only.
	private static final Duration[] TICK_BUCKETS = { Duration.ofNanos(100_000), Duration.ofMillis(1),
			Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(17), Duration.ofMillis(34),
			Duration.ofMillis(100) };

	private final LongAdder jobsRun = new LongAdder();

	private final LongAdder broadcastMessages = new LongAdder();

	private final LongAdder broadcastBytes = new LongAdder();

	private final Counter rejected;

	private final Counter overruns;

	private final Timer tickDuration;

	private final Timer tickLag;

	/**
	 * Registers the counters and timers; {@link #bindGauges} adds the gauges once the rooms exist.
	 * @param registry the meter registry
	 */
	public RoomMeters(MeterRegistry registry) {
		FunctionCounter.builder(JOBS_RUN, this.jobsRun, LongAdder::sum)
			.description("Room jobs run, joins and leaves included")
			.baseUnit("jobs")
			.register(registry);
		this.rejected = Counter.builder(JOBS_REJECTED)
			.description("Room jobs rejected because the room's queue was full (servercore.rooms.queue-capacity)")
			.baseUnit("jobs")
			.register(registry);
		this.overruns = Counter.builder(TICKS_OVERRUN)
			.description("Room ticks that ended after the next tick was due; the overran ticks are skipped")
			.baseUnit("ticks")
			.register(registry);
		this.tickDuration = Timer.builder(TICK_DURATION)
			.description("How long room ticks run")
			.serviceLevelObjectives(TICK_BUCKETS)
			.register(registry);
		this.tickLag = Timer.builder(TICK_LAG)
			.description("How late room ticks start after they were due")
			.serviceLevelObjectives(TICK_BUCKETS)
			.register(registry);
		FunctionCounter.builder(BROADCAST_MESSAGES, this.broadcastMessages, LongAdder::sum)
			.description("Messages queued to room members by broadcasts, one per member reached")
			.baseUnit("messages")
			.register(registry);
		FunctionCounter.builder(BROADCAST_BYTES, this.broadcastBytes, LongAdder::sum)
			.description("Payload bytes queued to room members by broadcasts")
			.baseUnit("bytes")
			.register(registry);
	}

	/**
	 * Registers the gauges that read the rooms.
	 * @param registry the meter registry
	 * @param rooms the rooms
	 */
	public static void bindGauges(MeterRegistry registry, RoomRegistry rooms) {
		Gauge.builder(ROOMS_ACTIVE, rooms, RoomRegistry::size).description("Rooms").baseUnit("rooms").register(registry);
		Gauge.builder(ROOMS_MEMBERS, rooms, RoomRegistry::members)
			.description("Members of all rooms; a session in two rooms counts twice")
			.baseUnit("members")
			.register(registry);
	}

	@Override
	public void jobsRun(int count) {
		this.jobsRun.add(count);
	}

	@Override
	public void jobRejected() {
		this.rejected.increment();
	}

	@Override
	public void tick(long durationNanos, long lagNanos, boolean overran) {
		this.tickDuration.record(durationNanos, TimeUnit.NANOSECONDS);
		this.tickLag.record(lagNanos, TimeUnit.NANOSECONDS);
		if (overran) {
			this.overruns.increment();
		}
	}

	@Override
	public void broadcast(int recipients, int bytes) {
		this.broadcastMessages.add(recipients);
		this.broadcastBytes.add((long) recipients * bytes);
	}

}
