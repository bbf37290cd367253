package dev.servercore.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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

	/**
	 * Called once when the server starts draining, after its listener closed and before any session is told
	 * or closed (see {@link ServerCore#drain(java.time.Duration)}), on the draining thread. The drain waits for
	 * the returned stage, at most the lifecycle timeout, before it tells the sessions: rooms use it to run
	 * their {@code onDrain} while their members are still connected.
	 * @return a stage completed once the sessions may be told and closed
	 */
	default CompletionStage<?> onDrain() {
		return CompletableFuture.completedFuture(null);
	}

}
