package dev.servercore.autoconfigure;

import java.time.Duration;

import dev.servercore.core.DescriptorLimit;
import dev.servercore.core.EventLoops;
import dev.servercore.core.IoUringSettings;
import dev.servercore.core.Transport;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the servercore TCP server, under {@code servercore.}.
 */
@ConfigurationProperties(prefix = "servercore")
@Validated
public class ServerCoreProperties implements Validator {

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
	 * a length header (see servercore.packet.*) and hands over one whole packet per call; 'line' hands over one
	 * newline-delimited line per call (at most servercore.packet.max-size bytes) and adds the newline to sends.
	 */
	private Framing framing = Framing.RAW;

	/**
	 * The built-in session handler when the application declares none: 'echo' sends back what it receives;
	 * 'chat' is a chat on rooms (/nick, /join, /leave, /rooms, /who, /quit), best with 'line' framing.
	 */
	private Handler handler = Handler.ECHO;

	private final Io io = new Io();

	private final Packet packet = new Packet();

	private final Send send = new Send();

	private final Limits limits = new Limits();

	private final Shutdown shutdown = new Shutdown();

	private final Health health = new Health();

	private final Memory memory = new Memory();

	private final Rooms rooms = new Rooms();

	private final Cluster cluster = new Cluster();

	private final Ssl ssl = new Ssl();

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

	public Handler getHandler() {
		return this.handler;
	}

	public void setHandler(Handler handler) {
		this.handler = handler;
	}

	public Rooms getRooms() {
		return this.rooms;
	}

	public Cluster getCluster() {
		return this.cluster;
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

	public Memory getMemory() {
		return this.memory;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	@Override
	public boolean supports(Class<?> type) {
		return ServerCoreProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the settings, alone and together, so that a bad configuration fails start-up with a message
	 * naming the key instead of starting with a surprise.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		ServerCoreProperties properties = (ServerCoreProperties) target;
		if (properties.port < 0 || properties.port > 65535) {
			reject(errors, "port", "port must be between 0 and 65535, was: " + properties.port);
		}
		positive(errors, "lifecycleTimeout", "lifecycle-timeout", properties.lifecycleTimeout);
		notNegative(errors, "shutdown.drainTimeout", "shutdown.drain-timeout", properties.shutdown.drainTimeout);
		notNegative(errors, "send.closeFlushTimeout", "send.close-flush-timeout", properties.send.closeFlushTimeout);
		notNegative(errors, "send.halfCloseGrace", "send.half-close-grace", properties.send.halfCloseGrace);
		notNegative(errors, "limits.idleTimeout", "limits.idle-timeout", properties.limits.idleTimeout);
		positive(errors, "io.probeInterval", "io.probe-interval", properties.io.probeInterval);
		positive(errors, "health.loopDeadline", "health.loop-deadline", properties.health.loopDeadline);
		positive(errors, "ssl.handshakeTimeout", "ssl.handshake-timeout", properties.ssl.handshakeTimeout);
		if (properties.limits.maxSessions < 0) {
			reject(errors, "limits.maxSessions", "limits.max-sessions must not be negative (0 turns it off)");
		}
		if (properties.limits.maxSessionsPerAddress < 0) {
			reject(errors, "limits.maxSessionsPerAddress",
					"limits.max-sessions-per-address must not be negative (0 turns it off)");
		}
		if (properties.io.workers != null && properties.io.workers < 1) {
			reject(errors, "io.workers", "io.workers must be at least 1, was: " + properties.io.workers);
		}
		socketBuffer(errors, "io.socketSendBuffer", "io.socket-send-buffer", properties.io.socketSendBuffer);
		socketBuffer(errors, "io.socketReceiveBuffer", "io.socket-receive-buffer", properties.io.socketReceiveBuffer);
		if (properties.io.maxMessagesPerRead < 1) {
			reject(errors, "io.maxMessagesPerRead",
					"io.max-messages-per-read must be at least 1, was: " + properties.io.maxMessagesPerRead);
		}
		Send send = properties.send;
		if (send.lowWaterMark.toBytes() > send.highWaterMark.toBytes()) {
			reject(errors, "send.lowWaterMark", "send.low-water-mark (" + send.lowWaterMark
					+ ") must not be above servercore.send.high-water-mark (" + send.highWaterMark + ")");
		}
		if (send.queueCap.toBytes() < 0) {
			reject(errors, "send.queueCap", "send.queue-cap must not be negative (0 turns it off)");
		}
		else if (send.queueCap.toBytes() > 0 && send.queueCap.toBytes() < send.highWaterMark.toBytes()) {
			reject(errors, "send.queueCap", "send.queue-cap (" + send.queueCap + ") must not be below "
					+ "servercore.send.high-water-mark (" + send.highWaterMark + "), or a session is closed as SLOW_CONSUMER "
					+ "before it ever reports itself unwritable");
		}
		// The packet header settings are checked where the framing is built, and reported by the diagnostics
		// package's InvalidSettingFailureAnalyzer with the key and the largest value that fits.
	}

	private static void positive(Errors errors, String field, String key, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			reject(errors, field, key + " must be positive, was: " + value);
		}
	}

	private static void notNegative(Errors errors, String field, String key, Duration value) {
		if (value == null || value.isNegative()) {
			reject(errors, field, key + " must not be negative, was: " + value);
		}
	}

	private static void socketBuffer(Errors errors, String field, String key, DataSize value) {
		if (value == null || value.toBytes() < 0 || value.toBytes() > Integer.MAX_VALUE / 2) {
			reject(errors, field, key + " must be between 0 (the kernel's choice) and 1GB, was: " + value);
		}
	}

	// The message starts with the full key, as it is written in a configuration file.
	private static void reject(Errors errors, String field, String message) {
		errors.rejectValue(field, "invalid", "servercore." + message);
	}

	/**
	 * How the byte stream is cut into packets.
	 */
	public enum Framing {

		/** Bytes as they arrive, one handler call per read. */
		RAW,

		/** A length header, then the payload; one handler call per whole packet. */
		LENGTH_PREFIXED,

		/** Newline-delimited text; one handler call per line. */
		LINE

	}

	/**
	 * The built-in session handlers.
	 */
	public enum Handler {

		/** Sends back what it receives. */
		ECHO,

		/** A chat on rooms. */
		CHAT

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
		 * Size of the message id field after the length: 0 (none), 2 (unsigned 16-bit) or 4 (signed 32-bit), in
		 * the length's byte order. The length does not count it unless it includes the header. Needed by
		 * @PacketController handlers.
		 */
		private int idFieldBytes = 0;

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

		/**
		 * A packet not complete this long after its first bytes arrived closes the session with
		 * INCOMPLETE_PACKET (a client trickling in a large packet holds memory). 0 turns it off.
		 */
		private Duration assemblyTimeout = Duration.ofSeconds(30);

		/**
		 * @PacketHandler methods are timed on one packet in this many of each session (every packet is
		 * counted): reading the clock twice and recording a timer costs about as much as the rest of a small
		 * packet's dispatch. 1 times every packet, 0 none.
		 */
		private int timingEvery = 64;

		public int getLengthFieldBytes() {
			return this.lengthFieldBytes;
		}

		public void setLengthFieldBytes(int lengthFieldBytes) {
			this.lengthFieldBytes = lengthFieldBytes;
		}

		public int getIdFieldBytes() {
			return this.idFieldBytes;
		}

		public void setIdFieldBytes(int idFieldBytes) {
			this.idFieldBytes = idFieldBytes;
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

		public Duration getAssemblyTimeout() {
			return this.assemblyTimeout;
		}

		public void setAssemblyTimeout(Duration assemblyTimeout) {
			this.assemblyTimeout = assemblyTimeout;
		}

		public int getTimingEvery() {
			return this.timingEvery;
		}

		public void setTimingEvery(int timingEvery) {
			this.timingEvery = timingEvery;
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
		 * File descriptors kept free for the listener, Actuator and the JVM: at start-up, a max-sessions above
		 * the open-file limit (ulimit -n) minus this is lowered, with a warning.
		 */
		private int descriptorHeadroom = DescriptorLimit.DEFAULT_HEADROOM;

		public int getDescriptorHeadroom() {
			return this.descriptorHeadroom;
		}

		public void setDescriptorHeadroom(int descriptorHeadroom) {
			this.descriptorHeadroom = descriptorHeadroom;
		}

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
		 * I/O transport: 'auto' takes epoll where available, else nio; 'io_uring' is opt-in (see
		 * docs/known-issues.md). An explicit transport that is unavailable fails start-up.
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

		/**
		 * Reads (each up to 64 KiB) one session gets in one turn of its event loop before the loop serves the
		 * others. Netty's default is 16 (1 MiB); lower keeps a session that floods the server from delaying the
		 * other sessions on its loop, higher saves a few wake-ups for bulk streams.
		 */
		private int maxMessagesPerRead = 4;

		/**
		 * Kernel send buffer of every session (SO_SNDBUF; Linux reserves twice the value). What a client does not
		 * read waits there before it counts in servercore's send queue: without a bound the kernel grows it to
		 * net.ipv4.tcp_wmem's maximum (4 MiB) per session, outside every servercore limit. 0 leaves it to the
		 * kernel.
		 */
		private DataSize socketSendBuffer = DataSize.ofKilobytes(64);

		/**
		 * Kernel receive buffer of every session (SO_RCVBUF; Linux reserves twice the value): what a client sent
		 * that servercore has not read yet, for example while the memory budget paused its reading. Without a
		 * bound the kernel grows it to net.ipv4.tcp_rmem's maximum per session. Below 256KB it is also the TCP
		 * window that limits a streaming client (64KB cost 40% of a 16 KiB stream's throughput on loopback). 0
		 * leaves it to the kernel.
		 */
		private DataSize socketReceiveBuffer = DataSize.ofKilobytes(256);

		private final IoUring ioUring = new IoUring();

		public DataSize getSocketSendBuffer() {
			return this.socketSendBuffer;
		}

		public void setSocketSendBuffer(DataSize socketSendBuffer) {
			this.socketSendBuffer = socketSendBuffer;
		}

		public DataSize getSocketReceiveBuffer() {
			return this.socketReceiveBuffer;
		}

		public void setSocketReceiveBuffer(DataSize socketReceiveBuffer) {
			this.socketReceiveBuffer = socketReceiveBuffer;
		}

		public int getMaxMessagesPerRead() {
			return this.maxMessagesPerRead;
		}

		public void setMaxMessagesPerRead(int maxMessagesPerRead) {
			this.maxMessagesPerRead = maxMessagesPerRead;
		}

		public IoUring getIoUring() {
			return this.ioUring;
		}

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

		/**
		 * Queue sizes of the io_uring transport (ignored by the others).
		 */
		public static class IoUring {

			/**
			 * Submission queue entries of each io_uring event loop, a power of two.
			 */
			private int ringSize = IoUringSettings.DEFAULT_RING_SIZE;

			/**
			 * Completion queue entries of each io_uring event loop, a power of two of at least the ring size
			 * (16 bytes each). The default holds a burst of 10,000 completions without the kernel's overflow
			 * list (and Netty's 'CompletionQueue overflow detected' warning).
			 */
			private int completionQueueSize = IoUringSettings.DEFAULT_COMPLETION_QUEUE_SIZE;

			public int getRingSize() {
				return this.ringSize;
			}

			public void setRingSize(int ringSize) {
				this.ringSize = ringSize;
			}

			public int getCompletionQueueSize() {
				return this.completionQueueSize;
			}

			public void setCompletionQueueSize(int completionQueueSize) {
				this.completionQueueSize = completionQueueSize;
			}

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
	 * The server-wide memory budget: queued sends and partial packets of all sessions together.
	 */
	public static class Memory {

		/**
		 * Most bytes all sessions together may hold in queued sends (each counted with 96 bytes of overhead) and
		 * partial packets. Unset means half the JVM's maximum direct memory (-XX:MaxDirectMemorySize, by default
		 * the maximum heap).
		 */
		private DataSize budget;

		/**
		 * Fraction of the budget past which the server stops reading from the sessions that hold the most (the
		 * TCP window then pushes back on those clients); reading resumes below three quarters of it.
		 */
		private double softMark = 0.6;

		/**
		 * Fraction of the budget past which the sessions that hold the most are closed (SLOW_CONSUMER, or
		 * INCOMPLETE_PACKET for a partial packet) until use is back at the soft mark.
		 */
		private double hardMark = 0.8;

		public DataSize getBudget() {
			return this.budget;
		}

		public void setBudget(DataSize budget) {
			this.budget = budget;
		}

		public double getSoftMark() {
			return this.softMark;
		}

		public void setSoftMark(double softMark) {
			this.softMark = softMark;
		}

		public double getHardMark() {
			return this.hardMark;
		}

		public void setHardMark(double hardMark) {
			this.hardMark = hardMark;
		}

	}

	/**
	 * The servercore health contributor.
	 */
	public static class Health {

		/**
		 * How long a probe task may wait for an event loop before the loop counts as stalled:
		 * 'servercore/loops' (readiness) turns DOWN. A loop that is merely slow under load can pass it.
		 */
		private Duration loopDeadline = Duration.ofSeconds(1);

		/**
		 * How long an event loop may make no progress at all (its probe task waiting) before
		 * 'servercore/loopsAlive' (liveness) turns DOWN and Kubernetes restarts the pod. A dead loop (its
		 * thread ended) fails it at once.
		 */
		private Duration loopLivenessDeadline = Duration.ofSeconds(30);

		public Duration getLoopLivenessDeadline() {
			return this.loopLivenessDeadline;
		}

		public void setLoopLivenessDeadline(Duration loopLivenessDeadline) {
			this.loopLivenessDeadline = loopLivenessDeadline;
		}

		public Duration getLoopDeadline() {
			return this.loopDeadline;
		}

		public void setLoopDeadline(Duration loopDeadline) {
			this.loopDeadline = loopDeadline;
		}

	}

	/**
	 * Rooms: serial job queues for game logic.
	 */
	public static class Rooms {

		/**
		 * Most jobs that may wait in one room's queue; a post past it is rejected (counted in
		 * servercore.rooms.jobs.rejected) and the room's onOverload is called.
		 */
		private int queueCapacity = 10000;

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

	}

	/**
	 * TLS on the TCP port, from a Spring Boot SSL bundle (spring.ssl.bundle.*).
	 */
	public static class Ssl {

		/**
		 * Name of the Spring Boot SSL bundle (spring.ssl.bundle.pem.NAME.* or spring.ssl.bundle.jks.NAME.*) that
		 * turns TLS on for the TCP port. Protocols and ciphers come from the bundle's options (TLSv1.2 and
		 * TLSv1.3 when it sets none); with the bundle's reload-on-update, a renewed certificate is used for new
		 * connections. Unset: plaintext.
		 */
		private String bundle;

		/**
		 * Whether clients present a certificate, verified with the bundle's trust material: 'none', 'want'
		 * (asked for, optional) or 'need' (a handshake without one fails). The verified subject is
		 * Session.peerSubject().
		 */
		private ClientAuth clientAuth = ClientAuth.NONE;

		/**
		 * How long a TLS handshake may take; one that fails or takes longer closes the session with
		 * TLS_HANDSHAKE_FAILED before the handler sees it.
		 */
		private Duration handshakeTimeout = Duration.ofSeconds(10);

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = bundle;
		}

		public ClientAuth getClientAuth() {
			return this.clientAuth;
		}

		public void setClientAuth(ClientAuth clientAuth) {
			this.clientAuth = clientAuth;
		}

		public Duration getHandshakeTimeout() {
			return this.handshakeTimeout;
		}

		public void setHandshakeTimeout(Duration handshakeTimeout) {
			this.handshakeTimeout = handshakeTimeout;
		}

		/**
		 * Whether TLS clients present a certificate.
		 */
		public enum ClientAuth {

			/** No client certificate is asked for. */
			NONE,

			/** A client certificate is asked for; a client without one is still accepted. */
			WANT,

			/** A client certificate is required; a handshake without a trusted one fails. */
			NEED

		}

	}

	/**
	 * Replicas that act as one server over Redis (Spring Boot's spring.data.redis.* connection); see
	 * docs/cluster.md.
	 */
	public static class Cluster {

		/**
		 * Whether this node joins a cluster over Redis. Off by default: then nothing connects to Redis.
		 */
		private boolean enabled = false;

		/**
		 * The cluster's name: the hash tag of its Redis keys, so that several clusters can share one Redis.
		 */
		private String name = "servercore";

		/**
		 * This node's id; a short random suffix is always added, so that a restarted pod is a new node. Empty
		 * takes the host name (the pod name on Kubernetes).
		 */
		private String nodeId = "";

		/**
		 * How long a node may miss heartbeats (sent every third of it) before the others consider it dead and
		 * remove its bindings and group memberships.
		 */
		private Duration nodeTimeout = Duration.ofSeconds(10);

		/**
		 * How long cluster-wide queries (session counts, group members, a kick on another node) wait for the
		 * other nodes before answering with what they have and the nodes that stayed silent.
		 */
		private Duration requestTimeout = Duration.ofSeconds(2);

		/**
		 * What binding a key (a player id) held by another open session does: 'close-old' closes the older
		 * session with DUPLICATE_LOGIN, 'reject-new' closes the new one.
		 */
		private DuplicateLogin duplicateLogin = DuplicateLogin.CLOSE_OLD;

		/**
		 * How many entries each node's inbox stream in Redis retains (approximately): a node cut off from Redis
		 * resumes without loss while it is less than this many messages behind; older ones count as lost.
		 */
		private int inboxLength = 10000;

		/**
		 * The largest payload of one cluster publish or broadcast; a larger one is refused with an exception.
		 */
		private DataSize maxMessageSize = DataSize.ofKilobytes(16);

		/**
		 * The most payload bytes a node may have sent toward Redis and not yet acknowledged; past it publishes
		 * fail at once (counted as lost) instead of piling up in memory.
		 */
		private DataSize outboundBuffer = DataSize.ofMegabytes(4);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public String getNodeId() {
			return this.nodeId;
		}

		public void setNodeId(String nodeId) {
			this.nodeId = nodeId;
		}

		public Duration getNodeTimeout() {
			return this.nodeTimeout;
		}

		public void setNodeTimeout(Duration nodeTimeout) {
			this.nodeTimeout = nodeTimeout;
		}

		public Duration getRequestTimeout() {
			return this.requestTimeout;
		}

		public void setRequestTimeout(Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
		}

		public DuplicateLogin getDuplicateLogin() {
			return this.duplicateLogin;
		}

		public void setDuplicateLogin(DuplicateLogin duplicateLogin) {
			this.duplicateLogin = duplicateLogin;
		}

		public int getInboxLength() {
			return this.inboxLength;
		}

		public void setInboxLength(int inboxLength) {
			this.inboxLength = inboxLength;
		}

		public DataSize getMaxMessageSize() {
			return this.maxMessageSize;
		}

		public void setMaxMessageSize(DataSize maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
		}

		public DataSize getOutboundBuffer() {
			return this.outboundBuffer;
		}

		public void setOutboundBuffer(DataSize outboundBuffer) {
			this.outboundBuffer = outboundBuffer;
		}

		/**
		 * What binding a key held by another open session does.
		 */
		public enum DuplicateLogin {

			/** The older session is closed with DUPLICATE_LOGIN. */
			CLOSE_OLD,

			/** The new session is closed with DUPLICATE_LOGIN. */
			REJECT_NEW

		}

	}

}
