package dev.servercore.core;

/**
 * Observes sessions entering and leaving a {@link SessionRegistry}. Callbacks run on the session's event
 * loop: keep them short and never block.
 */
public interface SessionListener {

	/**
	 * Called after a session was added to the registry.
	 * @param session the new session
	 */
	default void onOpen(Session session) {
	}

	/**
	 * Called after a session was removed from the registry.
	 * @param session the closed session
	 * @param reason why it ended
	 */
	default void onClose(Session session, CloseReason reason) {
	}

}
