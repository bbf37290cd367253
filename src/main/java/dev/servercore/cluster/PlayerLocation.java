package dev.servercore.cluster;

/**
 * Where a bound key is: the node and the session that hold it.
 *
 * @param key the application key, for example {@code player:42}
 * @param node the id of the node the session is connected to
 * @param sessionId the session's id on that node
 */
public record PlayerLocation(String key, String node, long sessionId) {
}
