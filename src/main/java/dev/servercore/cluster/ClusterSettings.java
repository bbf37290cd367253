package dev.servercore.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of one cluster node (from {@code servercore.cluster.*}).
 *
 * @param name the cluster's name: the hash tag of its Redis keys, so several clusters can share one Redis
 * @param nodeId this node's id, unique in the cluster
 * @param nodeTimeout how long a node may miss heartbeats before the others consider it dead and clean up after it
 * @param requestTimeout how long cluster-wide queries wait for the other nodes
 * @param duplicateLogin what binding a key held by another session does
 * @param inboxLength how many entries each node's inbox stream retains (approximately, MAXLEN ~)
 * @param maxMessageSize the largest payload {@link Cluster#publish} and {@link Cluster#broadcast} take
 * @param outboundBuffer the most payload bytes sent toward Redis and not yet acknowledged; past it publishes fail fast
 */
public record ClusterSettings(String name, String nodeId, Duration nodeTimeout, Duration requestTimeout,
		DuplicateLoginPolicy duplicateLogin, int inboxLength, int maxMessageSize, long outboundBuffer) {

	/**
	 * Checks the settings.
	 */
	public ClusterSettings {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(nodeId, "nodeId");
		Objects.requireNonNull(nodeTimeout, "nodeTimeout");
		Objects.requireNonNull(requestTimeout, "requestTimeout");
		Objects.requireNonNull(duplicateLogin, "duplicateLogin");
		if (nodeId.isEmpty() || nodeId.contains("|") || nodeId.contains("\t") || nodeId.contains("\n")) {
			throw new IllegalArgumentException(
					"servercore.cluster.node-id must be non-empty, without '|', tabs or newlines, was: '" + nodeId + "'");
		}
		if (nodeTimeout.toMillis() < 300) {
			throw new IllegalArgumentException(
					"servercore.cluster.node-timeout must be at least 300ms, was: " + nodeTimeout);
		}
		if (requestTimeout.toMillis() < 1) {
			throw new IllegalArgumentException(
					"servercore.cluster.request-timeout must be positive, was: " + requestTimeout);
		}
		if (inboxLength < 1 || maxMessageSize < 1 || outboundBuffer < maxMessageSize) {
			throw new IllegalArgumentException("servercore.cluster.inbox-length and max-message-size must be positive"
					+ " and servercore.cluster.outbound-buffer at least max-message-size");
		}
	}

	/**
	 * Returns how often the node refreshes its heartbeat: a third of the node timeout, so that two heartbeats may
	 * be missed before the node counts as dead.
	 * @return the heartbeat interval
	 */
	public Duration heartbeatInterval() {
		return this.nodeTimeout.dividedBy(3);
	}

}
