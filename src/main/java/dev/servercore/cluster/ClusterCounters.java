package dev.servercore.cluster;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one cluster node counts; published as {@code servercore.cluster.*} meters, without per-node or per-group
 * tags.
 */
public final class ClusterCounters {

	final LongAdder published = new LongAdder();

	final LongAdder bytesPublished = new LongAdder();

	final LongAdder received = new LongAdder();

	final LongAdder bytesReceived = new LongAdder();

	final LongAdder lost = new LongAdder();

	final LongAdder requestTimeouts = new LongAdder();

	final LongAdder reconnects = new LongAdder();

	/**
	 * Returns the group and broadcast messages this node sent to other nodes: one per target node.
	 * @return the messages published
	 */
	public long published() {
		return this.published.sum();
	}

	/**
	 * Returns the payload bytes this node sent to other nodes, counted once per target node.
	 * @return the bytes published
	 */
	public long bytesPublished() {
		return this.bytesPublished.sum();
	}

	/**
	 * Returns the group and broadcast messages this node received from other nodes.
	 * @return the messages received
	 */
	public long received() {
		return this.received.sum();
	}

	/**
	 * Returns the payload bytes this node received from other nodes.
	 * @return the bytes received
	 */
	public long bytesReceived() {
		return this.bytesReceived.sum();
	}

	/**
	 * Returns the messages lost: publishes that could not leave this node (Redis unreachable, outbound buffer full)
	 * and inbox entries trimmed before this node read them (a gap in the inbox's sequence).
	 * @return the messages lost
	 */
	public long lost() {
		return this.lost.sum();
	}

	/**
	 * Returns the cluster queries that ended with at least one node silent.
	 * @return the request timeouts
	 */
	public long requestTimeouts() {
		return this.requestTimeouts.sum();
	}

	/**
	 * Returns how many times Redis became reachable again after this node had lost it.
	 * @return the reconnects
	 */
	public long reconnects() {
		return this.reconnects.sum();
	}

}
