package dev.servercore.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * What one client event loop measured: counters and a latency recorder, written only by that loop's thread
 * (no lock, no atomic read-modify-write on the message path) and read by the reporting thread.
 */
final class LoopStats {

	// Latencies in nanoseconds, three significant digits; the histogram grows as needed.
	private static final int SIGNIFICANT_DIGITS = 3;

	private static final VarHandle MESSAGES;

	private static final VarHandle BYTES;

	private static final VarHandle MISMATCHES;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			MESSAGES = lookup.findVarHandle(LoopStats.class, "messages", long.class);
			BYTES = lookup.findVarHandle(LoopStats.class, "bytes", long.class);
			MISMATCHES = lookup.findVarHandle(LoopStats.class, "mismatches", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final SingleWriterRecorder latency = new SingleWriterRecorder(SIGNIFICANT_DIGITS);

	private Histogram recycled;

	// Single writer (the loop), opaque stores: the reader sees each value soon, without a fence per message.
	private long messages;

	private long bytes;

	private long mismatches;

	/**
	 * Records one completed message: called on the loop only.
	 */
	void completed(long latencyNanos, int wireBytes, boolean mismatched) {
		this.latency.recordValue(Math.max(0, latencyNanos));
		MESSAGES.setOpaque(this, this.messages + 1);
		BYTES.setOpaque(this, this.bytes + wireBytes);
		if (mismatched) {
			MISMATCHES.setOpaque(this, this.mismatches + 1);
		}
	}

	/**
	 * Counts bytes that matched no message sent (the server sent more than it was sent): called on the loop only.
	 */
	void unsolicited() {
		MISMATCHES.setOpaque(this, this.mismatches + 1);
	}

	long messages() {
		return (long) MESSAGES.getOpaque(this);
	}

	long bytes() {
		return (long) BYTES.getOpaque(this);
	}

	long mismatches() {
		return (long) MISMATCHES.getOpaque(this);
	}

	/**
	 * Moves what was recorded since the last call into {@code into}: called by one reader thread at a time.
	 */
	void drainLatency(Histogram into) {
		Histogram interval = this.latency.getIntervalHistogram(this.recycled);
		into.add(interval);
		this.recycled = interval;
	}

}
