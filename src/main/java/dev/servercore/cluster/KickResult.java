package dev.servercore.cluster;

/**
 * The outcome of {@link Cluster#kick}.
 *
 * @param key the application key
 * @param found whether the key was bound to a session of a live node
 * @param closed whether that session was closed (its node answered within the request timeout that it closed it)
 * @param node the node that held the key, {@code null} if not found
 * @param sessionId the session that held it, 0 if not found
 */
public record KickResult(String key, boolean found, boolean closed, String node, long sessionId) {

	static KickResult notFound(String key) {
		return new KickResult(key, false, false, null, 0);
	}

}
