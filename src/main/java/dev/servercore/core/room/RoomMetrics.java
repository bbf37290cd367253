package dev.servercore.core.room;

/**
 * What rooms record, summed over all rooms (the count of rooms is unbounded, so nothing is tagged by room);
 * how it is recorded (Micrometer) lives outside the core. Calls come from the rooms' threads: keep them cheap.
 */
public interface RoomMetrics {

	/** Records nothing. */
	RoomMetrics NONE = new RoomMetrics() {
	};

	/**
	 * A room ran jobs.
	 * @param count the jobs run in one turn
	 */
	default void jobsRun(int count) {
	}

	/** A job was rejected because a room's queue was full. */
	default void jobRejected() {
	}

	/**
	 * A tick ran.
	 * @param durationNanos how long it ran
	 * @param lagNanos how late it started after its due time
	 * @param overran whether it ended after the next tick was due (that next tick is skipped, not run late)
	 */
	default void tick(long durationNanos, long lagNanos, boolean overran) {
	}

	/**
	 * A room broadcast one message.
	 * @param recipients the members it was queued for
	 * @param bytes the payload size
	 */
	default void broadcast(int recipients, int bytes) {
	}

}
