package dev.servercore.cluster;

import java.util.List;
import java.util.Map;

/**
 * What the nodes of the cluster answered to a question within the request timeout: the answers of the nodes that
 * answered (this node's own included) and the live nodes that stayed silent. A partial answer, not a failure.
 *
 * @param <T> the answer of one node
 * @param answers each answering node's answer, by node id
 * @param silent the nodes that were asked and did not answer in time (frozen, overloaded or cut off from Redis)
 */
public record ClusterAnswer<T>(Map<String, T> answers, List<String> silent) {

	/**
	 * Returns whether every node asked answered.
	 * @return {@code true} if no node was silent
	 */
	public boolean complete() {
		return this.silent.isEmpty();
	}

}
