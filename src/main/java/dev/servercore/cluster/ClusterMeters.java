package dev.servercore.cluster;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The cluster's meters, {@code servercore.cluster.*}: no per-node or per-group tags (sum them across pods).
 */
public final class ClusterMeters implements MeterBinder {

	private final Cluster cluster;

	/**
	 * Creates the meters.
	 * @param cluster the node
	 */
	public ClusterMeters(Cluster cluster) {
		this.cluster = cluster;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		ClusterCounters counters = this.cluster.counters();
		counter(registry, "servercore.cluster.messages.published", "messages",
				"Group and broadcast messages sent to other nodes, one per target node", counters,
				ClusterCounters::published);
		counter(registry, "servercore.cluster.messages.received", "messages",
				"Group and broadcast messages received from other nodes", counters, ClusterCounters::received);
		counter(registry, "servercore.cluster.bytes.published", "bytes",
				"Payload bytes sent to other nodes, once per target node", counters, ClusterCounters::bytesPublished);
		counter(registry, "servercore.cluster.bytes.received", "bytes", "Payload bytes received from other nodes",
				counters, ClusterCounters::bytesReceived);
		counter(registry, "servercore.cluster.messages.lost", "messages",
				"Publishes that could not leave this node, and inbox entries trimmed before they were read", counters,
				ClusterCounters::lost);
		counter(registry, "servercore.cluster.requests.timeouts", "requests",
				"Cluster queries that ended with at least one node silent", counters, ClusterCounters::requestTimeouts);
		counter(registry, "servercore.cluster.redis.reconnects", "reconnects",
				"Times Redis became reachable again after this node had lost it", counters, ClusterCounters::reconnects);
		Gauge.builder("servercore.cluster.nodes.live", this.cluster, (node) -> node.liveNodes().size())
			.description("Live nodes of the cluster as of this node's last heartbeat, this node included")
			.baseUnit("nodes")
			.register(registry);
		Gauge.builder("servercore.cluster.redis.connected", this.cluster, (node) -> node.isConnected() ? 1 : 0)
			.description("1 while this node's heartbeat reaches Redis, 0 otherwise")
			.register(registry);
		Gauge.builder("servercore.cluster.outbound.bytes", this.cluster, Cluster::outboundBytes)
			.description("Payload bytes sent toward Redis and not yet acknowledged (at most servercore.cluster.outbound-buffer)")
			.baseUnit("bytes")
			.register(registry);
	}

	private static void counter(MeterRegistry registry, String name, String unit, String description,
			ClusterCounters counters, ToDoubleFunction<ClusterCounters> value) {
		FunctionCounter.builder(name, counters, value).description(description).baseUnit(unit).register(registry);
	}

}
