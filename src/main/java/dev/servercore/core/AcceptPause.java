package dev.servercore.core;

import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the listening channel: when an accept fails because the process or the system is out of file
 * descriptors ({@code EMFILE}, {@code ENFILE}), stops accepting for {@value #PAUSE_MILLIS} ms, logs once per
 * pause and counts it ({@link ServerMetrics#acceptPaused()}), the same on every transport. On io_uring a pause
 * stops accepting only with single-shot accepts: a multishot accept stays armed and spun a core (see
 * {@link Transport}).
 *
 * <p>Sits first in the listener's pipeline; other accept errors go on to Reactor Netty's acceptor.
 */
final class AcceptPause extends ChannelInboundHandlerAdapter {

	/** Name in the listener's pipeline. */
	static final String NAME = "servercore.acceptPause";

	/** How long accepting stops after running out of descriptors. */
	static final long PAUSE_MILLIS = 1000;

	private static final Logger logger = LoggerFactory.getLogger(AcceptPause.class);

	private final ServerMetrics metrics;

	private boolean paused;

	AcceptPause(ServerMetrics metrics) {
		this.metrics = metrics;
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (!isOutOfDescriptors(cause)) {
			ctx.fireExceptionCaught(cause);
			return;
		}
		if (this.paused) {
			return;
		}
		this.paused = true;
		ChannelConfig config = ctx.channel().config();
		config.setAutoRead(false);
		this.metrics.acceptPaused();
		logger.warn("servercore cannot accept: {}; accepting paused for {} ms (raise the open-file limit, "
				+ "ulimit -n, or lower servercore.limits.max-sessions)", cause.getMessage(), PAUSE_MILLIS);
		ctx.executor().schedule(() -> {
			this.paused = false;
			config.setAutoRead(true);
		}, PAUSE_MILLIS, TimeUnit.MILLISECONDS);
	}

	static boolean isOutOfDescriptors(Throwable cause) {
		// strerror(EMFILE) and strerror(ENFILE), as native transports and NIO both report them.
		String message = cause.getMessage();
		return message != null && message.contains("Too many open files");
	}

}
