package dev.servercore.autoconfigure;

import java.time.Duration;

import dev.servercore.core.EventLoops;
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

	/**
	 * How the byte stream is cut into packets: 'raw' hands reads over as they arrive; 'length-prefixed' reads
	 * a length header (see servercore.packet.*) and hands over one whole packet per call.
	 */
	private Framing framing = Framing.RAW;

	private final Io io = new Io();

	private final Packet packet = new Packet();

	private final Send send = new Send();

	private final Limits limits = new Limits();

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

	public Framing getFraming() {
		return this.framing;
	}

	public void setFraming(Framing framing) {
		this.framing = framing;
	}

	public Io getIo() {
		return this.io;
	}

	public Packet getPacket() {
		return this.packet;
	}

	public Send getSend() {
		return this.send;
	}

	public Limits getLimits() {
		return this.limits;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	public Health getHealth() {
		return this.health;
	}

	/**
	 * How the byte stream is cut into packets.
	 */
	public enum Framing {

		/** Bytes as they arrive, one handler call per read. */
		RAW,

		/** A length header, then the payload; one handler call per whole packet. */
		LENGTH_PREFIXED

	}

	/**
	 * Byte order of the packet length field.
	 */
	public enum PacketByteOrder {

		/** Most significant byte first (network order). */
		BIG_ENDIAN,

		/** Least significant byte first. */
		LITTLE_ENDIAN

	}

	/**
	 * The packet header, used when framing is 'length-prefixed'.
	 */
	public static class Packet {

		/** Default largest payload: 64 KiB. */
		static final DataSize DEFAULT_MAX_SIZE = DataSize.ofKilobytes(64);

		/**
		 * Size of the length field: 2 or 4 bytes. A 4-byte length is read as a signed int32.
		 */
		private int lengthFieldBytes = 4;

		/**
		 * Byte order of the length field.
		 */
		private PacketByteOrder byteOrder = PacketByteOrder.BIG_ENDIAN;

		/**
		 * Whether the length counts the length field itself.
		 */
		private boolean lengthIncludesHeader = false;

		/**
		 * Largest packet payload accepted and sent. A larger length closes the session with FRAME_TOO_LARGE
		 * before the body is read. With a 2-byte length field the default becomes the most that field can
		 * say (65535 bytes, 65533 when the length includes the header).
		 */
		private DataSize maxSize = DataSize.ofKilobytes(64);

		public int getLengthFieldBytes() {
			return this.lengthFieldBytes;
		}

		public void setLengthFieldBytes(int lengthFieldBytes) {
			this.lengthFieldBytes = lengthFieldBytes;
		}

		public PacketByteOrder getByteOrder() {
			return this.byteOrder;
		}

		public void setByteOrder(PacketByteOrder byteOrder) {
			this.byteOrder = byteOrder;
		}

		public boolean isLengthIncludesHeader() {
			return this.lengthIncludesHeader;
		}

		public void setLengthIncludesHeader(boolean lengthIncludesHeader) {
			this.lengthIncludesHeader = lengthIncludesHeader;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

	}

	/**
	 * Limits that protect the server and the other sessions.
	 */
	public static class Limits {

		/**
		 * Most open sessions. A connection beyond it is closed at once with REJECTED_LIMIT. 0 turns the limit off.
		 */
		private int maxSessions = 10000;

		/**
		 * Most open sessions from one client address. 0 turns the limit off.
		 */
		private int maxSessionsPerAddress = 0;

		/**
		 * Nothing received for this long closes the session with IDLE_TIMEOUT. 0 turns it off.
		 */
		private Duration idleTimeout = Duration.ofSeconds(60);

		public int getMaxSessions() {
			return this.maxSessions;
		}

		public void setMaxSessions(int maxSessions) {
			this.maxSessions = maxSessions;
		}

		public int getMaxSessionsPerAddress() {
			return this.maxSessionsPerAddress;
		}

		public void setMaxSessionsPerAddress(int maxSessionsPerAddress) {
			this.maxSessionsPerAddress = maxSessionsPerAddress;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

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
		private String threadNamePrefix = "servercore-io";

		/**
		 * How often a probe task is posted to every event loop to measure its lag (servercore.loop.lag) and to
		 * find stalled loops (health).
		 */
		private Duration probeInterval = Duration.ofSeconds(1);

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

		/**
		 * How long a session whose peer shut down its output (a half-close, or a close) stays writable for
		 * answers still being prepared, for example on another thread, before it closes with PEER_CLOSED. 0
		 * closes it as soon as what was sent is flushed.
		 */
		private Duration halfCloseGrace = Duration.ofSeconds(1);

		public Duration getHalfCloseGrace() {
			return this.halfCloseGrace;
		}

		public void setHalfCloseGrace(Duration halfCloseGrace) {
			this.halfCloseGrace = halfCloseGrace;
		}

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
		private Duration drainTimeout = Duration.ofSeconds(20);

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
		private Duration loopDeadline = Duration.ofSeconds(1);

		public Duration getLoopDeadline() {
			return this.loopDeadline;
		}

		public void setLoopDeadline(Duration loopDeadline) {
			this.loopDeadline = loopDeadline;
		}

	}

}
