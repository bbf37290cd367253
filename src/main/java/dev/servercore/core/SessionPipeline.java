package dev.servercore.core;

import java.net.SocketAddress;
import java.util.Objects;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import reactor.netty.ChannelPipelineConfigurer;
import reactor.netty.ConnectionObserver;
import reactor.netty.NettyPipeline;

/**
 * Builds each accepted channel's pipeline: the completion key is bound here, before the first read.
 *
 * <pre>
 * socket ⇄ [tls] ⇄ transfer (counters, send queue, flush coalescing, idle check) ⇄ [packet decoder, packet encoder,
 *          payload marker, packet assembly] ⇄ session ⇄ Reactor Netty bridge
 * </pre>
 *
 * The TLS handler is there when the server has {@link ServerTls}: bytes are counted in clear, and the handler sees
 * the session once its handshake succeeded. The packet codec is there with length-prefixed or line framing. The
 * send queue, payload marker and packet assembly count what each session holds for the {@link MemoryBudget}.
 */
public final class SessionPipeline implements ChannelPipelineConfigurer {

	/** Name of the TLS handler, nearest the socket when TLS is on. */
	public static final String TLS = "servercore.tls";

	/** Name of the handler nearest the socket (above TLS), which counts bytes and tells when a session is idle. */
	public static final String TRANSFER = "servercore.transfer";

	/** Name of the packet decoder. */
	public static final String PACKET_DECODER = "servercore.packetDecoder";

	/** Name of the packet encoder. */
	public static final String PACKET_ENCODER = "servercore.packetEncoder";

	/** Name of the handler that marks a send's payload for the packet encoder below it. */
	public static final String PAYLOAD_MARKER = "servercore.payloadMarker";

	/** Name of the handler that measures partial packets and enforces the packet assembly timeout. */
	public static final String PACKET_ASSEMBLY = "servercore.packetAssembly";

	/** Name of the handler that binds the channel to its session. */
	public static final String SESSION = "servercore.session";

	// Loaded with the pipeline, at start-up: at the open-file limit the JVM cannot open its jars to load a class
	// that a session needs later (seen: every end of input failing with NoClassDefFoundError: DrainEvent).
	static final DrainEvent DRAIN_EVENT = DrainEvent.INSTANCE;

	private final SessionRegistry registry;

	private final SessionHandler handler;

	private final ServerMetrics metrics;

	private final SessionSettings settings;

	private final SessionLimits limits;

	private final MemoryBudget budget;

	// Null without TLS: the plaintext pipeline is exactly as before.
	private final ServerTls tls;

	private final TransferCounter.Shared transferSettings;

	/**
	 * Creates the pipeline configurer with the default memory budget ({@link MemoryBudget#withDefaults()}).
	 * @param registry where sessions are registered
	 * @param handler the application handler
	 * @param metrics what to record
	 * @param settings session settings
	 */
	public SessionPipeline(SessionRegistry registry, SessionHandler handler, ServerMetrics metrics,
			SessionSettings settings) {
		this(registry, handler, metrics, settings, MemoryBudget.withDefaults());
	}

	/**
	 * Creates the pipeline configurer.
	 * @param registry where sessions are registered
	 * @param handler the application handler
	 * @param metrics what to record
	 * @param settings session settings
	 * @param budget the server-wide memory budget of the sessions of {@code registry}
	 */
	public SessionPipeline(SessionRegistry registry, SessionHandler handler, ServerMetrics metrics,
			SessionSettings settings, MemoryBudget budget) {
		this(registry, handler, metrics, settings, budget, null);
	}

	/**
	 * Creates the pipeline configurer, with TLS when {@code tls} is given.
	 * @param registry where sessions are registered
	 * @param handler the application handler
	 * @param metrics what to record
	 * @param settings session settings
	 * @param budget the server-wide memory budget of the sessions of {@code registry}
	 * @param tls TLS on every connection, or {@code null} for plaintext
	 */
	public SessionPipeline(SessionRegistry registry, SessionHandler handler, ServerMetrics metrics,
			SessionSettings settings, MemoryBudget budget, ServerTls tls) {
		this.tls = tls;
		this.budget = Objects.requireNonNull(budget, "budget");
		this.registry = Objects.requireNonNull(registry, "registry");
		this.handler = Objects.requireNonNull(handler, "handler");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
		this.settings = Objects.requireNonNull(settings, "settings");
		this.limits = new SessionLimits(settings.maxSessions(), settings.maxSessionsPerAddress());
		this.transferSettings = new TransferCounter.Shared(metrics, settings.idleTimeout().toNanos());
		budget.watch(registry);
	}

	/**
	 * Returns the memory budget of these sessions.
	 * @return the budget
	 */
	public MemoryBudget memoryBudget() {
		return this.budget;
	}


	ServerMetrics metrics() {
		return this.metrics;
	}

	/**
	 * Returns the TLS settings.
	 * @return the TLS settings, or {@code null} for plaintext
	 */
	public ServerTls tls() {
		return this.tls;
	}

	@Override
	public void onChannelInit(ConnectionObserver observer, Channel channel, SocketAddress remoteAddress) {
		PacketFraming framing = this.settings.framing();
		Session session = new Session(this.registry.nextId(), channel, this.settings.sendQueueCap(),
				this.settings.closeFlushTimeout().toMillis(),
				framing.isLine() ? 0 : framing.maxSize() + framing.idFieldBytes(), this.budget,
				framing.lengthFieldBytes());
		// A failed allocation closes this session instead of ending its event loop.
		channel.config().setAllocator(new AllocationGuard(channel.config().getAllocator(), session));
		ChannelPipeline pipeline = channel.pipeline();
		String bridge = NettyPipeline.ReactiveBridge;
		if (this.tls != null) {
			pipeline.addFirst(TLS, this.tls.newHandler(channel.alloc()));
		}
		pipeline.addBefore(bridge, TRANSFER, new TransferCounter(session, this.transferSettings));
		if (!framing.isRaw()) {
			ChannelHandler decoder = framing.newDecoder();
			pipeline.addBefore(bridge, PACKET_DECODER, decoder);
			pipeline.addBefore(bridge, PACKET_ENCODER, framing.encoder());
			pipeline.addBefore(bridge, PAYLOAD_MARKER, new SendQueue.PayloadMarker(session.sendQueue(), framing.encoder()));
			pipeline.addBefore(bridge, PACKET_ASSEMBLY, new PacketAssembly(session, decoder, this.budget,
					this.settings.packetAssemblyTimeout().toNanos()));
		}
		pipeline.addBefore(bridge, SESSION, new SessionChannelHandler(session, this.registry, this.handler,
				this.metrics, this.limits, !framing.isRaw(), this.settings.halfCloseGrace(), this.tls != null));
	}

}
