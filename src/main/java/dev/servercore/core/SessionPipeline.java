package dev.servercore.core;

import java.net.SocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import reactor.netty.ChannelPipelineConfigurer;
import reactor.netty.ConnectionObserver;
import reactor.netty.NettyPipeline;

/**
 * Builds each accepted channel's pipeline: the completion key is bound here, before the first read.
 *
 * <pre>
 * socket ⇄ transfer (counters) ⇄ [idle] ⇄ [packet decoder, packet encoder] ⇄ flush ⇄ session ⇄ Reactor Netty bridge
 * </pre>
 *
 * The idle handler is there when an idle timeout is set, the packet codec with length-prefixed framing.
 */
public final class SessionPipeline implements ChannelPipelineConfigurer {

	/** Name of the handler nearest the socket, which counts bytes. */
	public static final String TRANSFER = "servercore.transfer";

	/** Name of the handler that closes idle sessions. */
	public static final String IDLE = "servercore.idle";

	/** Name of the packet decoder. */
	public static final String PACKET_DECODER = "servercore.packetDecoder";

	/** Name of the packet encoder. */
	public static final String PACKET_ENCODER = "servercore.packetEncoder";

	/** Name of the handler that coalesces flushes. */
	public static final String FLUSH = "servercore.flush";

	/** Name of the handler that binds the channel to its session. */
	public static final String SESSION = "servercore.session";

	// Flush at the latest after this many writes, even in a long read batch.
	private static final int EXPLICIT_FLUSH_AFTER_FLUSHES = 256;

	private final SessionRegistry registry;

	private final SessionHandler handler;

	private final ServerMetrics metrics;

	private final SessionSettings settings;

	private final SessionLimits limits;

	/**
	 * Creates the pipeline configurer.
	 * @param registry where sessions are registered
	 * @param handler the application handler
	 * @param metrics what to record
	 * @param settings session settings
	 */
	public SessionPipeline(SessionRegistry registry, SessionHandler handler, ServerMetrics metrics,
			SessionSettings settings) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.handler = Objects.requireNonNull(handler, "handler");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
		this.settings = Objects.requireNonNull(settings, "settings");
		this.limits = new SessionLimits(settings.maxSessions(), settings.maxSessionsPerAddress());
	}


	@Override
	public void onChannelInit(ConnectionObserver observer, Channel channel, SocketAddress remoteAddress) {
		PacketFraming framing = this.settings.framing();
		Session session = new Session(this.registry.nextId(), channel, this.settings.sendQueueCap(),
				this.settings.closeFlushTimeout().toMillis(), framing.maxSize());
		ChannelPipeline pipeline = channel.pipeline();
		String bridge = NettyPipeline.ReactiveBridge;
		pipeline.addBefore(bridge, TRANSFER, new TransferCounter(session, this.metrics));
		if (!this.settings.idleTimeout().isZero()) {
			pipeline.addBefore(bridge, IDLE,
					new IdleStateHandler(this.settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
		}
		if (!framing.isRaw()) {
			pipeline.addBefore(bridge, PACKET_DECODER, framing.newDecoder());
			pipeline.addBefore(bridge, PACKET_ENCODER, framing.encoder());
		}
		pipeline.addBefore(bridge, FLUSH, new FlushConsolidationHandler(EXPLICIT_FLUSH_AFTER_FLUSHES, true));
		pipeline.addBefore(bridge, SESSION, new SessionChannelHandler(session, this.registry, this.handler,
				this.metrics, this.limits, !framing.isRaw(), this.settings.halfCloseGrace()));
	}

}
