package dev.servercore.autoconfigure;

import java.time.Duration;

import dev.servercore.core.EventLoops;
import dev.servercore.core.LoopProbe;
import dev.servercore.core.ServerCore;
import dev.servercore.core.Transport;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the servercore TCP server, under {@code servercore.}.
 */
@ConfigurationProperties(prefix = "servercore")
public class ServerCoreProperties {

	/**
	 * Address the TCP server binds to. Empty binds all interfaces.
	 */
	private String host = "";

	/**
	 * TCP port of the game server. 0 picks a free port, published as 'local.servercore.port'.
	 */
	private int port = 7000;

	/**
	 * How long binding the listener and each step of stopping may take.
	 */
	private Duration lifecycleTimeout = Duration.ofSeconds(10);

	private final Io io = new Io();

	private final Send send = new Send();

	private final Shutdown shutdown = new Shutdown();

	private final Health health = new Health();

	public String getHost() {
		return this.host;
	}

	public void setHost(String host) {
		this.host = host;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public Duration getLifecycleTimeout() {
		return this.lifecycleTimeout;
	}

	public void setLifecycleTimeout(Duration lifecycleTimeout) {
		this.lifecycleTimeout = lifecycleTimeout;
	}

	public Io getIo() {
		return this.io;
	}

	public Send getSend() {
		return this.send;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	public Health getHealth() {
		return this.health;
	}

	/**
	 * The event loops: the completion port and its worker threads.
	 */
	public static class Io {

		/**
		 * Number of event-loop threads (the IOCP concurrency value). Unset means one per available processor.
		 */
		private Integer workers;

		/**
		 * I/O transport: 'auto' takes the best available (io_uring, then epoll, then nio). An explicit transport
		 * that is unavailable fails start-up.
		 */
		private Transport transport = Transport.AUTO;

		/**
		 * Prefix of the event-loop thread names.
		 */
		private String threadNamePrefix = EventLoops.DEFAULT_THREAD_NAME_PREFIX;

		/**
		 * How often a probe task is posted to every event loop to measure its lag (servercore.loop.lag) and to
		 * find stalled loops (health).
		 */
		private Duration probeInterval = LoopProbe.DEFAULT_INTERVAL;

		public Integer getWorkers() {
			return this.workers;
		}

		public void setWorkers(Integer workers) {
			this.workers = workers;
		}

		public int resolvedWorkers() {
			return (this.workers != null) ? this.workers : EventLoops.DEFAULT_WORKERS;
		}

		public Transport getTransport() {
			return this.transport;
		}

		public void setTransport(Transport transport) {
			this.transport = transport;
		}

		public String getThreadNamePrefix() {
			return this.threadNamePrefix;
		}

		public void setThreadNamePrefix(String threadNamePrefix) {
			this.threadNamePrefix = threadNamePrefix;
		}

		public Duration getProbeInterval() {
			return this.probeInterval;
		}

		public void setProbeInterval(Duration probeInterval) {
			this.probeInterval = probeInterval;
		}

	}

	/**
	 * The send path.
	 */
	public static class Send {

		/**
		 * Bytes that may wait to be sent to one session; past it the session is closed as SLOW_CONSUMER. 0
		 * turns the cap off.
		 */
		private DataSize queueCap = DataSize.ofMegabytes(1);

		/**
		 * Low write-buffer water mark: a session becomes writable again below it.
		 */
		private DataSize lowWaterMark = DataSize.ofKilobytes(32);

		/**
		 * High write-buffer water mark: a session reports itself unwritable above it.
		 */
		private DataSize highWaterMark = DataSize.ofKilobytes(64);

		/**
		 * How long a closing session may take to flush what was sent before the close.
		 */
		private Duration closeFlushTimeout = Duration.ofSeconds(5);

		public DataSize getQueueCap() {
			return this.queueCap;
		}

		public void setQueueCap(DataSize queueCap) {
			this.queueCap = queueCap;
		}

		public DataSize getLowWaterMark() {
			return this.lowWaterMark;
		}

		public void setLowWaterMark(DataSize lowWaterMark) {
			this.lowWaterMark = lowWaterMark;
		}

		public DataSize getHighWaterMark() {
			return this.highWaterMark;
		}

		public void setHighWaterMark(DataSize highWaterMark) {
			this.highWaterMark = highWaterMark;
		}

		public Duration getCloseFlushTimeout() {
			return this.closeFlushTimeout;
		}

		public void setCloseFlushTimeout(Duration closeFlushTimeout) {
			this.closeFlushTimeout = closeFlushTimeout;
		}

	}

	/**
	 * The graceful drain on shutdown (SIGTERM or context close).
	 */
	public static class Shutdown {

		/**
		 * How long open sessions may take to end on their own once the server drains; the ones still open are
		 * then closed with SERVER_SHUTDOWN. Keep spring.lifecycle.timeout-per-shutdown-phase above this plus
		 * servercore.send.close-flush-timeout.
		 */
		private Duration drainTimeout = ServerCore.DEFAULT_DRAIN_TIMEOUT;

		public Duration getDrainTimeout() {
			return this.drainTimeout;
		}

		public void setDrainTimeout(Duration drainTimeout) {
			this.drainTimeout = drainTimeout;
		}

	}

	/**
	 * The servercore health contributor.
	 */
	public static class Health {

		/**
		 * How long a probe task may wait for an event loop before the loop counts as stalled and health
		 * (liveness included) turns DOWN.
		 */
		private Duration loopDeadline = LoopProbe.DEFAULT_DEADLINE;

		public Duration getLoopDeadline() {
			return this.loopDeadline;
		}

		public void setLoopDeadline(Duration loopDeadline) {
			this.loopDeadline = loopDeadline;
		}

	}

}
