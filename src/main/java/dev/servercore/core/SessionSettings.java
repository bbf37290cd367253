package dev.servercore.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How sessions behave: the send path's bounds and the close flush timeout.
 *
 * @param sendQueueCap bytes that may wait to be sent to one session before it is closed as a slow
 * consumer; 0 turns the cap off
 * @param closeFlushTimeout how long a closing session may take to flush what was sent before the close
 */
public record SessionSettings(long sendQueueCap, Duration closeFlushTimeout) {

	/** Default send-queue cap: 1 MiB. */
	public static final long DEFAULT_SEND_QUEUE_CAP = 1024 * 1024;

	/** Default close flush timeout: 5 seconds. */
	public static final Duration DEFAULT_CLOSE_FLUSH_TIMEOUT = Duration.ofSeconds(5);

	/** The defaults. */
	public static final SessionSettings DEFAULTS = new SessionSettings(DEFAULT_SEND_QUEUE_CAP,
			DEFAULT_CLOSE_FLUSH_TIMEOUT);

	public SessionSettings {
		if (sendQueueCap < 0) {
			throw new IllegalArgumentException("sendQueueCap must not be negative, was: " + sendQueueCap);
		}
		Objects.requireNonNull(closeFlushTimeout, "closeFlushTimeout");
	}

}
