package dev.servercore.cluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.servercore.core.CloseReason;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code cluster} Actuator endpoint (opt-in, like {@code tcpsessions}): the nodes with their session counts
 * and last heartbeats, and a player anywhere in the cluster, found or kicked.
 *
 * <pre>
 * GET    /actuator/cluster                     nodes, session counts (partial answer), silent nodes
 * GET    /actuator/cluster/players/{key}       where a bound key is (404 if nowhere)
 * DELETE /actuator/cluster/players/{key}       close it with KICKED, wherever it is
 * </pre>
 */
@Endpoint(id = "cluster")
public class ClusterEndpoint {

	private final Cluster cluster;

	/**
	 * Creates the endpoint.
	 * @param cluster the node
	 */
	public ClusterEndpoint(Cluster cluster) {
		this.cluster = Objects.requireNonNull(cluster, "cluster");
	}

	/**
	 * Lists the live nodes and asks each for its session count.
	 * @return the nodes, within the request timeout
	 */
	@ReadOperation
	public Mono<ClusterDescriptor> nodes() {
		return Mono.fromCompletionStage(this.cluster.sessionCounts()).map((counts) -> {
			List<NodeDescriptor> nodes = new ArrayList<>();
			this.cluster.liveNodes().values().stream().sorted((a, b) -> a.id().compareTo(b.id())).forEach((node) -> {
				Integer sessions = counts.answers().get(node.id());
				nodes.add(new NodeDescriptor(node.id(), (sessions != null) ? sessions : node.sessions(),
						sessions != null, node.lastHeartbeat()));
			});
			return new ClusterDescriptor(this.cluster.nodeId(), this.cluster.isConnected(), nodes, counts.silent());
		});
	}

	/**
	 * Finds a bound key.
	 * @param players the literal {@code players}
	 * @param key the key
	 * @return where it is, or empty (404)
	 */
	@ReadOperation
	public Mono<PlayerLocation> player(@Selector String players, @Selector String key) {
		if (!"players".equals(players)) {
			return Mono.empty();
		}
		return Mono.fromCompletionStage(this.cluster.find(key)).flatMap(Mono::justOrEmpty);
	}

	/**
	 * Closes the session that holds a key with {@link CloseReason#KICKED}, wherever it is.
	 * @param players the literal {@code players}
	 * @param key the key
	 * @return what happened ({@code found}, {@code closed})
	 */
	@DeleteOperation
	public Mono<KickResult> kick(@Selector String players, @Selector String key) {
		if (!"players".equals(players)) {
			return Mono.empty();
		}
		return Mono.fromCompletionStage(this.cluster.kick(key, CloseReason.KICKED));
	}

	/**
	 * The cluster as this node sees it.
	 *
	 * @param nodeId this node
	 * @param redisConnected whether this node reaches Redis
	 * @param nodes the live nodes
	 * @param silent the nodes that did not answer the session count within the request timeout
	 */
	public record ClusterDescriptor(String nodeId, boolean redisConnected, List<NodeDescriptor> nodes,
			List<String> silent) {
	}

	/**
	 * One live node.
	 *
	 * @param id the node id
	 * @param sessions its session count: its answer, or the count of its last heartbeat if it was silent
	 * @param answered whether it answered within the request timeout
	 * @param lastHeartbeat when it last heartbeated
	 */
	public record NodeDescriptor(String id, int sessions, boolean answered, @Nullable Instant lastHeartbeat) {
	}

}
