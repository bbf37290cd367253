package dev.servercore.actuate;

import dev.servercore.core.MemoryBudget;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes the server-wide {@link MemoryBudget}: its limit, its use, and what it did to stay within it.
 */
public final class MemoryBudgetMeters implements MeterBinder {

	/** The budget's limit. */
	public static final String BUDGET = ServerCoreMeters.PREFIX + "memory.budget";

	/** Bytes held now by queued sends and partial packets, across all sessions. */
	public static final String USED = ServerCoreMeters.PREFIX + "memory.used";

	/** Sessions whose reading is paused by the budget now. */
	public static final String PAUSED_SESSIONS = ServerCoreMeters.PREFIX + "memory.paused.sessions";

	/** Times the budget paused a session's reading. */
	public static final String READ_PAUSES = ServerCoreMeters.PREFIX + "memory.read.pauses";

	/** Sessions the budget closed. */
	public static final String CLOSED_SESSIONS = ServerCoreMeters.PREFIX + "memory.closed.sessions";

	private final MemoryBudget budget;

	/**
	 * Creates the binder.
	 * @param budget the budget to publish
	 */
	public MemoryBudgetMeters(MemoryBudget budget) {
		this.budget = budget;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(BUDGET, this.budget, MemoryBudget::limit)
			.description("Most bytes all sessions together may hold in queued sends and partial packets")
			.baseUnit("bytes")
			.register(registry);
		Gauge.builder(USED, this.budget, MemoryBudget::used)
			.description("Bytes held now in queued sends (with their overhead) and partial packets, all sessions")
			.baseUnit("bytes")
			.register(registry);
		Gauge.builder(PAUSED_SESSIONS, this.budget, MemoryBudget::pausedSessions)
			.description("Sessions not read because the memory budget is past its soft mark")
			.baseUnit("sessions")
			.register(registry);
		FunctionCounter.builder(READ_PAUSES, this.budget, MemoryBudget::readPauses)
			.description("Times the memory budget paused reading from a session")
			.register(registry);
		FunctionCounter.builder(CLOSED_SESSIONS, this.budget, MemoryBudget::closedSessions)
			.description("Sessions closed because the memory budget passed its hard mark or its limit")
			.baseUnit("sessions")
			.register(registry);
	}

}
