package dev.servercore.core;

import java.net.SocketAddress;
import java.util.Objects;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import reactor.netty.ChannelPipelineConfigurer;
import reactor.netty.ConnectionObserver;
import reactor.netty.NettyPipeline;

/**
 * Builds each accepted channel's pipeline: the completion key is bound here, before the first read.
 *
 * <pre>
 * socket ⇄ transfer (counters) ⇄ flush consolidation ⇄ session (handler SPI) ⇄ Reactor Netty bridge
 * </pre>
 */
public final class SessionPipeline implements ChannelPipelineConfigurer {

	/** Name of the handler nearest the socket, which counts bytes. */
	public static final String TRANSFER = "servercore.transfer";

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
	}

	@Override
	public void onChannelInit(ConnectionObserver observer, Channel channel, SocketAddress remoteAddress) {
		Session session = new Session(this.registry.nextId(), channel, this.settings.sendQueueCap(),
				this.settings.closeFlushTimeout().toMillis());
		ChannelPipeline pipeline = channel.pipeline();
		pipeline.addBefore(NettyPipeline.ReactiveBridge, TRANSFER, new TransferCounter(session, this.metrics));
		pipeline.addBefore(NettyPipeline.ReactiveBridge, FLUSH,
				new FlushConsolidationHandler(EXPLICIT_FLUSH_AFTER_FLUSHES, true));
		pipeline.addBefore(NettyPipeline.ReactiveBridge, SESSION,
				new SessionChannelHandler(session, this.registry, this.handler, this.metrics, false));
	}

}
