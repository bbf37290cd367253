package dev.servercore.cluster;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the cluster node after Boot's Redis connection factory and stops it (leaving the cluster directory)
 * before the factory closes its connections, after the TCP server's drain and the web server's shutdown.
 */
final class ClusterLifecycle implements SmartLifecycle {

	/** After the TCP drain and the web server's graceful shutdown; before Spring Data Redis' factory (phase 0). */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final Cluster cluster;

	private volatile boolean running;

	ClusterLifecycle(Cluster cluster) {
		this.cluster = cluster;
	}

	@Override
	public void start() {
		this.cluster.start();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.cluster.stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
