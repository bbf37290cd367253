package dev.servercore.core;

import java.time.Duration;

/**
 * What a drain did: how many sessions it waited for, how many were still open when it ended (and were then
 * closed with {@link CloseReason#SERVER_SHUTDOWN}), and how long it took.
 *
 * @param sessions the sessions told to drain
 * @param closedByServer the sessions still open at the drain timeout, closed by the server
 * @param duration how long the drain took, closing the remaining sessions included
 */
public record DrainResult(int sessions, int closedByServer, Duration duration) {

	/**
	 * Returns the sessions that ended on their own during the drain (the client or the handler closed them).
	 * @return the sessions that left before the timeout
	 */
	public int leftOnTheirOwn() {
		return Math.max(0, this.sessions - this.closedByServer);
	}

}
