package dev.servercore.core;

/**
 * What the core records; how it is recorded (Micrometer) lives outside the core. Calls on the per-read and
 * per-write paths must be cheap: no allocation, no lookup, no lock.
 */
public interface ServerMetrics {

	/** Records nothing. */
	ServerMetrics NONE = new ServerMetrics() {
	};

	/** A session was accepted and registered. */
	default void sessionOpened() {
	}

	/**
	 * A session ended.
	 * @param reason why
	 */
	default void sessionClosed(CloseReason reason) {
	}

	/**
	 * A connection was refused at accept because a session limit was reached.
	 */
	default void connectionRejected() {
	}

	/**
	 * Accepting was paused because the process or the system ran out of file descriptors.
	 */
	default void acceptPaused() {
	}

	/**
	 * One receive completion: the article's {@code transferredBytes}.
	 * @param bytes the bytes of this read, positive
	 */
	default void bytesRead(int bytes) {
	}

	/** One whole packet was handed to the handler (length-prefixed framing). */
	default void packetReceived() {
	}

	/**
	 * Bytes handed to the transport for sending.
	 * @param bytes the bytes written, including packet headers
	 */
	default void bytesWritten(int bytes) {
	}

	/**
	 * How long a probe task posted to an event loop waited before it ran (see {@link LoopProbe}). Called on
	 * that loop.
	 * @param loopIndex the loop's index in the group, from 0
	 * @param nanos the wait in nanoseconds
	 */
	default void loopLag(int loopIndex, long nanos) {
	}

	/** A TLS handshake succeeded: the session is handed to the handler. */
	default void tlsHandshakeSucceeded() {
	}

	/** A TLS handshake failed or timed out: the session closes with {@link CloseReason#TLS_HANDSHAKE_FAILED}. */
	default void tlsHandshakeFailed() {
	}

}
