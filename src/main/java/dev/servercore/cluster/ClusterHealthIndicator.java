package dev.servercore.cluster;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code servercore/cluster}: DOWN while Redis is unreachable, with the node id, the live nodes and the Redis link
 * state. Not part of the liveness or readiness groups: local play goes on without Redis, so a Redis outage must
 * neither restart pods nor take them out of the Service.
 */
public class ClusterHealthIndicator extends AbstractHealthIndicator {

	private final Cluster cluster;

	/**
	 * Creates the indicator.
	 * @param cluster the node
	 */
	public ClusterHealthIndicator(Cluster cluster) {
		super("Cluster health check failed");
		this.cluster = cluster;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("nodeId", this.cluster.nodeId())
			.withDetail("redis", this.cluster.isConnected() ? "connected" : "unreachable")
			.withDetail("liveNodes", this.cluster.liveNodes().keySet().stream().sorted().toList());
		if (this.cluster.lastHeartbeat() != null) {
			builder.withDetail("lastHeartbeat", this.cluster.lastHeartbeat().toString());
		}
		if (this.cluster.isConnected()) {
			builder.up();
		}
		else {
			builder.down();
		}
	}

}
