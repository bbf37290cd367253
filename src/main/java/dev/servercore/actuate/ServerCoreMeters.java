package dev.servercore.actuate;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.servercore.core.CloseReason;
import dev.servercore.core.ServerMetrics;
import dev.servercore.core.Session;
import dev.servercore.core.SessionRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records the core's events in Micrometer. Every meter is created up front (close reasons included, so the
 * series count never grows with traffic); the per-read and per-write calls only add to existing meters.
 * No tag carries a peer, a session or an id.
 */
public final class ServerCoreMeters implements ServerMetrics {

	/** Prefix of every servercore meter. */
	public static final String PREFIX = "servercore.";

	/** Bytes per receive completion (the article's transferredBytes). */
	public static final String READ_BYTES = PREFIX + "read.bytes";

	/** Bytes received in total. */
	public static final String RECEIVED_BYTES = PREFIX + "received.bytes";

	/** Bytes handed to the transport for sending. */
	public static final String SENT_BYTES = PREFIX + "sent.bytes";

	/** Whole packets received (length-prefixed framing). */
	public static final String PACKETS_RECEIVED = PREFIX + "packets.received";

	/** Open sessions. */
	public static final String SESSIONS_ACTIVE = PREFIX + "sessions.active";

	/** Sessions opened. */
	public static final String SESSIONS_OPENED = PREFIX + "sessions.opened";

	/** Sessions closed, by reason. */
	public static final String SESSIONS_CLOSED = PREFIX + "sessions.closed";

	/** Connections refused at accept by a session limit. */
	public static final String CONNECTIONS_REJECTED = PREFIX + "connections.rejected";

	/** Bytes waiting to be sent, across all sessions. */
	public static final String SEND_QUEUED_BYTES = PREFIX + "send.queued.bytes";

	/** How long a task posted to an event loop waits before it runs, by loop. */
	public static final String LOOP_LAG = PREFIX + "loop.lag";

	/** Counter of accept pauses for want of file descriptors. */
	public static final String ACCEPT_PAUSES = PREFIX + "accept.pauses";

	/** The tag on {@link #SESSIONS_CLOSED}. */
	public static final String REASON_TAG = "reason";

	/** The tag on {@link #LOOP_LAG}: the loop's index, 0 to workers - 1. */
	public static final String LOOP_TAG = "loop";

	// Powers of four from 16 B to 64 KiB: enough to see the shape of reads without many series.
	private static final double[] READ_SIZE_BUCKETS = { 16, 64, 256, 1024, 4096, 16384, 65536 };

	// From 1 ms (a healthy loop) to 5 s (a stalled one): the buckets an alert on lag needs, few series.
	private static final Duration[] LOOP_LAG_BUCKETS = { Duration.ofMillis(1), Duration.ofMillis(5),
			Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500),
			Duration.ofSeconds(1), Duration.ofSeconds(5) };

	private final DistributionSummary readBytes;

	private final Timer[] loopLag;

	private final LongAdder receivedBytes = new LongAdder();

	private final LongAdder sentBytes = new LongAdder();

	private final LongAdder packetsReceived = new LongAdder();

	private final Counter opened;

	private final Counter rejected;

	private final Counter acceptPauses;

	private final Map<CloseReason, Counter> closed = new EnumMap<>(CloseReason.class);

	/**
	 * Registers the meters, without event-loop lag.
	 * @param registry the meter registry
	 * @param sessions the session registry, read by the gauges
	 */
	public ServerCoreMeters(MeterRegistry registry, SessionRegistry sessions) {
		this(registry, sessions, 0);
	}

	/**
	 * Registers the meters.
	 * @param registry the meter registry
	 * @param sessions the session registry, read by the gauges
	 * @param loops the number of event loops: one lag timer is registered for each
	 */
	public ServerCoreMeters(MeterRegistry registry, SessionRegistry sessions, int loops) {
		if (loops < 0) {
			throw new IllegalArgumentException("loops must not be negative, was: " + loops);
		}
		this.readBytes = DistributionSummary.builder(READ_BYTES)
			.description("Bytes per receive completion (one socket read): the article's transferredBytes")
			.baseUnit("bytes")
			.serviceLevelObjectives(READ_SIZE_BUCKETS)
			.register(registry);
		// Its own monotonic count: a summary's total is per step on step registries and could go backwards.
		FunctionCounter.builder(RECEIVED_BYTES, this.receivedBytes, LongAdder::sum)
			.description("Bytes received from all sessions, packet headers included")
			.baseUnit("bytes")
			.register(registry);
		FunctionCounter.builder(SENT_BYTES, this.sentBytes, LongAdder::sum)
			.description("Bytes handed to the transport for sending, packet headers included")
			.baseUnit("bytes")
			.register(registry);
		FunctionCounter.builder(PACKETS_RECEIVED, this.packetsReceived, LongAdder::sum)
			.description("Whole packets handed to the handler (length-prefixed framing)")
			.baseUnit("packets")
			.register(registry);
		Gauge.builder(SESSIONS_ACTIVE, sessions, SessionRegistry::size)
			.description("Open sessions")
			.baseUnit("sessions")
			.register(registry);
		Gauge.builder(SEND_QUEUED_BYTES, sessions, ServerCoreMeters::queuedBytes)
			.description("Bytes waiting to be sent, across all sessions")
			.baseUnit("bytes")
			.register(registry);
		this.opened = Counter.builder(SESSIONS_OPENED)
			.description("Sessions opened")
			.baseUnit("sessions")
			.register(registry);
		this.rejected = Counter.builder(CONNECTIONS_REJECTED)
			.description("Connections refused at accept because a session limit was reached")
			.baseUnit("connections")
			.register(registry);
		this.acceptPauses = Counter.builder(ACCEPT_PAUSES)
			.description("Times accepting paused for a second because the process or system ran out of file descriptors")
			.baseUnit("pauses")
			.register(registry);
		for (CloseReason reason : CloseReason.values()) {
			this.closed.put(reason, Counter.builder(SESSIONS_CLOSED)
				.description("Sessions closed, by close reason")
				.baseUnit("sessions")
				.tag(REASON_TAG, reason.name())
				.register(registry));
		}
		this.loopLag = new Timer[loops];
		for (int i = 0; i < loops; i++) {
			this.loopLag[i] = Timer.builder(LOOP_LAG)
				.description("How long a task posted to an event loop waits before it runs; a stalled loop shows "
						+ "here once it runs again")
				.tag(LOOP_TAG, Integer.toString(i))
				.serviceLevelObjectives(LOOP_LAG_BUCKETS)
				.register(registry);
		}
	}

	@Override
	public void sessionOpened() {
		this.opened.increment();
	}

	@Override
	public void sessionClosed(CloseReason reason) {
		this.closed.get(reason).increment();
	}

	@Override
	public void connectionRejected() {
		this.rejected.increment();
	}

	@Override
	public void acceptPaused() {
		this.acceptPauses.increment();
	}

	@Override
	public void bytesRead(int bytes) {
		this.readBytes.record(bytes);
		this.receivedBytes.add(bytes);
	}

	@Override
	public void packetReceived() {
		this.packetsReceived.increment();
	}

	@Override
	public void bytesWritten(int bytes) {
		this.sentBytes.add(bytes);
	}

	@Override
	public void loopLag(int loopIndex, long nanos) {
		if (loopIndex >= 0 && loopIndex < this.loopLag.length) {
			this.loopLag[loopIndex].record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	private static double queuedBytes(SessionRegistry sessions) {
		long queued = 0;
		for (Session session : sessions.snapshot()) {
			queued += session.bytesQueued();
		}
		return queued;
	}

}
