package dev.servercore.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.PlatformDependent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-wide memory budget: bounds the bytes all sessions together make the server hold, that is the
 * sends queued for them and the partial packets buffered from them, well before the JVM's direct memory runs
 * out (where an allocation would block the loop in {@code Bits.reserveMemory} or fail).
 *
 * <pre>
 *   0 ──────────── soft mark ─────────── hard mark ─────────── limit
 *       normal      │ reading paused for   │ biggest holders     │ a send that would pass it
 *                   │ the biggest holders  │ closed              │ closes its session
 * </pre>
 *
 * Past the soft mark the server stops reading from the sessions that hold the most (Netty's auto-read off:
 * the TCP window then pushes back on those clients), and reads again from all of them once use falls to
 * three quarters of the soft mark. Past the hard mark it closes the biggest holders until use is back at the
 * soft mark: {@link CloseReason#SLOW_CONSUMER} for a session holding mostly queued sends,
 * {@link CloseReason#INCOMPLETE_PACKET} for one holding mostly a partial packet. A send that would take use
 * past the limit itself is refused and its session closed as a slow consumer, so queued sends never pass the
 * limit; partial packets are measured after each read batch and may pass it by one batch per loop until the
 * biggest holders are closed.
 *
 * <p>Each queued send counts its payload plus {@value #SEND_OVERHEAD} bytes for Netty's bookkeeping of the
 * entry (a flood of tiny packets holds far more memory than its payload); a partial packet counts the
 * capacity of the buffer holding it. Buffers shared between sessions (a broadcast) count once per session.
 * Use is updated with one atomic add per send, per completed write and per read batch that changed a partial
 * packet; the search for the biggest holders runs on Netty's global executor, never on an event loop, at most
 * every {@value #RELIEF_INTERVAL_MILLIS} ms (at once past the hard mark). Only sessions holding at least the
 * average are paused or closed, and a paused session that holds nothing any more is read again.
 */
public final class MemoryBudget {

	/** Default budget as a fraction of the JVM's maximum direct memory. */
	public static final double DEFAULT_FRACTION_OF_DIRECT_MEMORY = 0.5;

	/** Default soft mark, as a fraction of the limit: past it, the biggest holders are no longer read. */
	public static final double DEFAULT_SOFT_MARK = 0.6;

	/** Default hard mark, as a fraction of the limit: past it, the biggest holders are closed. */
	public static final double DEFAULT_HARD_MARK = 0.8;

	/** Bytes counted for each queued send besides its payload: Netty's estimate of an outbound entry. */
	public static final int SEND_OVERHEAD = 96;

	static final long RELIEF_INTERVAL_MILLIS = 10;

	// While use stays past the soft mark, look again this often for new holders to pause or close.
	private static final long RECHECK_MILLIS = 100;

	private static final Logger logger = LoggerFactory.getLogger(MemoryBudget.class);

	private final long limit;

	private final long softLimit;

	private final long hardLimit;

	private final long resumeLevel;

	private final AtomicLong used = new AtomicLong();

	private final AtomicLong peak = new AtomicLong();

	private final AtomicLong readPauses = new AtomicLong();

	private final AtomicLong closedSessions = new AtomicLong();

	private final AtomicBoolean reliefScheduled = new AtomicBoolean();

	private final EventExecutor reliefExecutor = GlobalEventExecutor.INSTANCE;

	// Touched by the relief task only, which never runs twice at once.
	private final Set<Session> paused = new HashSet<>();

	private volatile int pausedCount;

	private volatile SessionRegistry registry;

	private volatile long lastReliefNanos;

	// Touched by the relief task only: at most one warning a second.
	private long lastWarningNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(2);

	/**
	 * Creates a budget.
	 * @param limit the most bytes all sessions may hold together; positive
	 * @param softMark the fraction of the limit past which the biggest holders are no longer read
	 * @param hardMark the fraction of the limit past which the biggest holders are closed; not below the soft
	 * mark, at most 1
	 */
	public MemoryBudget(long limit, double softMark, double hardMark) {
		if (limit <= 0) {
			throw new IllegalArgumentException("limit must be positive, was: " + limit);
		}
		if (!(softMark > 0 && softMark <= hardMark && hardMark <= 1)) {
			throw new IllegalArgumentException("Marks must satisfy 0 < soft-mark <= hard-mark <= 1, were: soft-mark="
					+ softMark + ", hard-mark=" + hardMark);
		}
		this.limit = limit;
		this.softLimit = (long) (limit * softMark);
		this.hardLimit = (long) (limit * hardMark);
		this.resumeLevel = this.softLimit / 4 * 3;
	}

	/**
	 * Returns the default limit: {@value #DEFAULT_FRACTION_OF_DIRECT_MEMORY} of the JVM's maximum direct
	 * memory ({@code -XX:MaxDirectMemorySize}, by default the maximum heap), leaving the rest for read buffers,
	 * the allocator's pools and everything else.
	 * @return the default limit in bytes
	 */
	public static long defaultLimit() {
		return (long) (PlatformDependent.maxDirectMemory() * DEFAULT_FRACTION_OF_DIRECT_MEMORY);
	}

	/**
	 * Creates a budget with the default limit and marks.
	 * @return the budget
	 */
	public static MemoryBudget withDefaults() {
		return new MemoryBudget(defaultLimit(), DEFAULT_SOFT_MARK, DEFAULT_HARD_MARK);
	}

	/**
	 * Returns the most bytes all sessions may hold together.
	 * @return the limit in bytes
	 */
	public long limit() {
		return this.limit;
	}

	/**
	 * Returns the use past which the biggest holders are no longer read.
	 * @return the soft mark in bytes
	 */
	public long softLimit() {
		return this.softLimit;
	}

	/**
	 * Returns the use past which the biggest holders are closed.
	 * @return the hard mark in bytes
	 */
	public long hardLimit() {
		return this.hardLimit;
	}

	/**
	 * Returns the bytes held now: queued sends (with their overhead) and partial packets, across all sessions.
	 * @return the bytes in use
	 */
	public long used() {
		return this.used.get();
	}

	/**
	 * Returns the most bytes held at once since the budget was created.
	 * @return the peak use in bytes
	 */
	public long peak() {
		return this.peak.get();
	}

	/**
	 * Returns the number of sessions whose reading is paused by the budget now.
	 * @return the paused sessions
	 */
	public int pausedSessions() {
		return this.pausedCount;
	}

	/**
	 * Returns how many times the budget paused a session's reading.
	 * @return the read pauses so far
	 */
	public long readPauses() {
		return this.readPauses.get();
	}

	/**
	 * Returns how many sessions the budget closed past its hard mark or its limit.
	 * @return the sessions closed so far
	 */
	public long closedSessions() {
		return this.closedSessions.get();
	}

	/**
	 * Watches the sessions of a registry: the budget pauses and closes them.
	 */
	void watch(SessionRegistry registry) {
		Objects.requireNonNull(registry, "registry");
		if (this.registry != null && this.registry != registry) {
			throw new IllegalStateException("A memory budget serves one session registry");
		}
		this.registry = registry;
	}

	static long sendCost(int size) {
		return (long) size + SEND_OVERHEAD;
	}

	/**
	 * Takes {@code bytes} unless that would pass the limit.
	 */
	boolean tryReserve(long bytes) {
		long current;
		long next;
		do {
			current = this.used.get();
			next = current + bytes;
			if (next > this.limit) {
				this.closedSessions.incrementAndGet();
				relieve();
				return false;
			}
		}
		while (!this.used.compareAndSet(current, next));
		afterGrowth(next);
		return true;
	}

	/**
	 * Changes use by {@code delta}, which may be negative, without refusing: for partial packets, which are
	 * already in memory when they are measured.
	 */
	void adjust(long delta) {
		long next = this.used.addAndGet(delta);
		if (delta > 0) {
			afterGrowth(next);
		}
		else if (next < this.resumeLevel && this.pausedCount > 0) {
			relieve();
		}
	}

	void release(long bytes) {
		long next = this.used.addAndGet(-bytes);
		if (next < this.resumeLevel && this.pausedCount > 0) {
			relieve();
		}
	}

	private void afterGrowth(long next) {
		if (next > this.peak.get()) {
			this.peak.accumulateAndGet(next, Math::max);
		}
		if (next > this.softLimit) {
			relieve();
		}
	}

	// Schedules one relief task, at most every RELIEF_INTERVAL_MILLIS.
	private void relieve() {
		if (this.registry == null || !this.reliefScheduled.compareAndSet(false, true)) {
			return;
		}
		// Past the hard mark there is no time to wait: the limit is near.
		long wait = (this.used.get() > this.hardLimit) ? 0
				: TimeUnit.MILLISECONDS.toNanos(RELIEF_INTERVAL_MILLIS) - (System.nanoTime() - this.lastReliefNanos);
		this.reliefExecutor.schedule(this::runRelief, Math.max(0, wait), TimeUnit.NANOSECONDS);
	}

	private void runRelief() {
		this.lastReliefNanos = System.nanoTime();
		this.reliefScheduled.set(false);
		try {
			relieveNow();
		}
		catch (RuntimeException ex) {
			logger.warn("servercore memory budget: relief failed", ex);
		}
		if (this.used.get() > this.softLimit) {
			// Closes take effect on the loops; pauses stop growth but free nothing: look again later.
			if (this.reliefScheduled.compareAndSet(false, true)) {
				this.reliefExecutor.schedule(this::runRelief, RECHECK_MILLIS, TimeUnit.MILLISECONDS);
			}
		}
	}

	private void relieveNow() {
		long use = this.used.get();
		if (use <= this.resumeLevel) {
			resumeAll();
			return;
		}
		if (use <= this.softLimit) {
			return;
		}
		// A paused session whose queue drained (its client reads) and that holds nothing is read again.
		this.paused.removeIf((session) -> {
			if (session.isOpen() && session.bytesHeld() > 0) {
				return false;
			}
			session.resumeReading();
			return true;
		});
		this.pausedCount = this.paused.size();
		List<Session> holders = new ArrayList<>();
		long closing = 0;
		long held = 0;
		for (Session session : this.registry.snapshot()) {
			if (!session.isOpen()) {
				// Closed but not gone yet: what it holds is about to be given back.
				closing += session.bytesHeld();
			}
			else if (session.bytesHeld() > 0) {
				holders.add(session);
				held += session.bytesHeld();
			}
		}
		holders.sort(Comparator.comparingLong(Session::bytesHeld).reversed());
		// Only sessions holding at least the average are acted on: pausing or closing a client that holds a
		// few bytes frees nothing and would starve a well-behaved one.
		long average = holders.isEmpty() ? 0 : held / holders.size();
		if (use - closing > this.hardLimit) {
			long toFree = use - closing - this.softLimit;
			int closed = 0;
			for (Session session : holders) {
				long holding = session.bytesHeld();
				if (toFree <= 0 || holding < average) {
					break;
				}
				toFree -= holding;
				session.close((session.bytesQueued() >= session.bytesBuffered()) ? CloseReason.SLOW_CONSUMER
						: CloseReason.INCOMPLETE_PACKET);
				closed++;
			}
			this.closedSessions.addAndGet(closed);
			long now = System.nanoTime();
			if (now - this.lastWarningNanos > TimeUnit.SECONDS.toNanos(1)) {
				this.lastWarningNanos = now;
				logger.warn("servercore memory budget: {} of {} bytes held, past the hard mark of {}: closed the {} "
						+ "sessions holding the most (servercore.memory.*)", use, this.limit, this.hardLimit, closed);
			}
			return;
		}
		// Pause the biggest holders until those paused hold what use is above the resume level.
		long toCover = use - this.resumeLevel;
		for (Session session : holders) {
			long holding = session.bytesHeld();
			if (toCover <= 0 || holding < average) {
				break;
			}
			toCover -= holding;
			if (!this.paused.contains(session) && session.pauseReading()) {
				this.paused.add(session);
				this.readPauses.incrementAndGet();
			}
		}
		this.pausedCount = this.paused.size();
	}

	private void resumeAll() {
		for (Session session : this.paused) {
			session.resumeReading();
		}
		this.paused.clear();
		this.pausedCount = 0;
	}

	@Override
	public String toString() {
		return "MemoryBudget[used=" + used() + ", limit=" + this.limit + ", soft=" + this.softLimit + ", hard="
				+ this.hardLimit + "]";
	}

}
