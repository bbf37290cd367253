package dev.servercore.core;

import java.net.SocketAddress;
import java.util.Objects;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import reactor.netty.ChannelPipelineConfigurer;
import reactor.netty.ConnectionObserver;
import reactor.netty.NettyPipeline;

/**
 * Builds each accepted channel's pipeline: the completion key is bound here, before the first read.
 *
 * <pre>
 * socket ⇄ transfer (counters, send queue, idle check) ⇄ [packet decoder, packet encoder, payload marker,
 *          packet assembly] ⇄ flush ⇄ session ⇄ Reactor Netty bridge
 * </pre>
 *
 * The packet codec is there with length-prefixed or line framing. The send queue, payload marker and packet
 * assembly count what each session holds for the {@link MemoryBudget}.
 */
public final class SessionPipeline implements ChannelPipelineConfigurer {

	/** Name of the handler nearest the socket, which counts bytes and tells when a session is idle. */
	public static final String TRANSFER = "servercore.transfer";

	/** Name of the packet decoder. */
	public static final String PACKET_DECODER = "servercore.packetDecoder";

	/** Name of the packet encoder. */
	public static final String PACKET_ENCODER = "servercore.packetEncoder";

	/** Name of the handler that marks a send's payload for the packet encoder below it. */
	public static final String PAYLOAD_MARKER = "servercore.payloadMarker";

	/** Name of the handler that measures partial packets and enforces the packet assembly timeout. */
	public static final String PACKET_ASSEMBLY = "servercore.packetAssembly";

	/** Name of the handler that coalesces flushes. */
	public static final String FLUSH = "servercore.flush";

	/** Name of the handler that binds the channel to its session. */
	public static final String SESSION = "servercore.session";

	// Loaded with the pipeline, at start-up: at the open-file limit the JVM cannot open its jars to load a class
	// that a session needs later (seen: every end of input failing with NoClassDefFoundError: DrainEvent).
	static final DrainEvent DRAIN_EVENT = DrainEvent.INSTANCE;

	// Flush at the latest after this many writes, even in a long read batch.
	private static final int EXPLICIT_FLUSH_AFTER_FLUSHES = Integer.getInteger("servercore.experiment.flushAfter", 256);

	private final SessionRegistry registry;

	private final SessionHandler handler;

	private final ServerMetrics metrics;

	private final SessionSettings settings;

	private final SessionLimits limits;

	private final MemoryBudget budget;

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
		this.budget = Objects.requireNonNull(budget, "budget");
		this.registry = Objects.requireNonNull(registry, "registry");
		this.handler = Objects.requireNonNull(handler, "handler");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
		this.settings = Objects.requireNonNull(settings, "settings");
		this.limits = new SessionLimits(settings.maxSessions(), settings.maxSessionsPerAddress());
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
		pipeline.addBefore(bridge, TRANSFER,
				new TransferCounter(session, this.metrics, this.settings.idleTimeout().toNanos()));
		if (!framing.isRaw()) {
			ChannelHandler decoder = framing.newDecoder();
			pipeline.addBefore(bridge, PACKET_DECODER, decoder);
			pipeline.addBefore(bridge, PACKET_ENCODER, framing.encoder());
			pipeline.addBefore(bridge, PAYLOAD_MARKER, new SendQueue.PayloadMarker(session.sendQueue(), framing.encoder()));
			pipeline.addBefore(bridge, PACKET_ASSEMBLY, new PacketAssembly(session, decoder, this.budget,
					this.settings.packetAssemblyTimeout().toNanos()));
		}
		pipeline.addBefore(bridge, FLUSH, new FlushConsolidationHandler(EXPLICIT_FLUSH_AFTER_FLUSHES, true));
		pipeline.addBefore(bridge, SESSION, new SessionChannelHandler(session, this.registry, this.handler,
				this.metrics, this.limits, !framing.isRaw(), this.settings.halfCloseGrace()));
	}

}
