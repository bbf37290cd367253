package dev.servercore.core;

/**
 * Why a session ended. Every closed session has exactly one: the first reason given wins.
 */
public enum CloseReason {

	/** The peer closed its side of the connection: the article's zero-byte completion. */
	PEER_CLOSED,

	/** The connection was reset by the peer or failed with an I/O error. */
	RESET,

	/** An unexpected error inside the server's own pipeline (not the application handler). */
	ERROR,

	/** The application handler threw; only that session is closed. */
	HANDLER_ERROR,

	/** The application closed the session through {@link Session#close(CloseReason)}, or closed its channel directly. */
	CLOSED_BY_APPLICATION,

	/** An operator removed the session (for example through the sessions endpoint). */
	KICKED,

	/** The server stopped (its event loops included), or its drain ended with the session still open. */
	SERVER_SHUTDOWN,

	/** Nothing was received for longer than the idle timeout. */
	IDLE_TIMEOUT,

	/** A packet header announced a length above the maximum packet size. */
	FRAME_TOO_LARGE,

	/** A packet header could not be valid (for example a negative length). */
	PROTOCOL_ERROR,

	/**
	 * The peer did not read: the bytes queued for it passed the per-session cap, or it was among the biggest
	 * holders when the server's memory budget passed its hard mark.
	 */
	SLOW_CONSUMER,

	/**
	 * A packet was not completed within the packet assembly timeout, or its partial bytes made the session
	 * among the biggest holders when the server's memory budget passed its hard mark.
	 */
	INCOMPLETE_PACKET,

	/** The connection was refused at accept because a session limit was reached. */
	REJECTED_LIMIT,

	/**
	 * The session's key (a player or account id) was bound to another session, on this node or another one of
	 * the cluster: by the default policy the older session is closed, or the new one if the policy rejects it.
	 */
	DUPLICATE_LOGIN;

	/**
	 * Returns whether a session closed for this reason first flushes what was sent before the close.
	 * A slow consumer, an incomplete packet (both closed to free memory), a reset or an internal error close
	 * at once: their queue would never drain, or holding it is what the close ends. A connection refused by a
	 * limit has nothing to flush.
	 * @return {@code true} to flush queued sends before closing
	 */
	public boolean flushesBeforeClose() {
		return this != SLOW_CONSUMER && this != INCOMPLETE_PACKET && this != RESET && this != ERROR
				&& this != REJECTED_LIMIT;
	}

	/**
	 * Returns whether an application may close a session with this reason. {@link #PEER_CLOSED},
	 * {@link #RESET} and {@link #REJECTED_LIMIT} describe what the peer or the server's limits did, so only
	 * the server gives them.
	 * @return {@code true} if {@link Session#close(CloseReason)} accepts it
	 */
	public boolean isForApplications() {
		return this != PEER_CLOSED && this != RESET && this != REJECTED_LIMIT;
	}

}
