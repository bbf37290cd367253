package dev.servercore.core;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.unix.Errors;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds one channel to its {@link Session}: registers it on accept, hands each receive to the
 * {@link SessionHandler}, turns every failure into a {@link CloseReason}, and unregisters it on close.
 *
 * <p>Sits last before Reactor Netty's bridge and consumes what it reads, so Reactor Netty queues nothing. With
 * TLS the session counts against the limits from the accept, but enters the registry and reaches the handler only
 * once its handshake succeeded.
 */
final class SessionChannelHandler extends ChannelInboundHandlerAdapter {

	private static final Logger logger = LoggerFactory.getLogger(SessionChannelHandler.class);

	// How long a refused connection's notice may take to be written before the channel closes anyway.
	private static final long REJECTION_WRITE_TIMEOUT_MILLIS = 1000;

	private final Session session;

	private final SessionRegistry registry;

	private final SessionHandler handler;

	private final ServerMetrics metrics;

	private final SessionLimits limits;

	private final boolean countPackets;

	// Set once the session passed the limits: it releases its slot on close.
	private boolean admitted;

	// Set once the session entered the registry: it leaves it on close.
	private boolean registered;

	// Set once the handler's onOpen was called: onClose comes only after it.
	private boolean opened;

	// With TLS the session opens when the handshake succeeds, not when the channel becomes active.
	private final boolean tls;

	// Set once the TLS handshake succeeded.
	private boolean handshaken;

	private final long halfCloseGraceMillis;

	// Set when the peer shut down its output: it will send nothing more.
	private boolean inputShutdown;

	SessionChannelHandler(Session session, SessionRegistry registry, SessionHandler handler, ServerMetrics metrics,
			SessionLimits limits, boolean countPackets, Duration halfCloseGrace, boolean tls) {
		this.tls = tls;
		this.halfCloseGraceMillis = halfCloseGrace.toMillis();
		this.session = session;
		this.registry = registry;
		this.handler = handler;
		this.metrics = metrics;
		this.limits = limits;
		this.countPackets = countPackets;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		// Reactor Netty's bridge sets up the connection, then turns auto-read off; reads are ours.
		ctx.fireChannelActive();
		record(this.metrics::sessionOpened, "sessionOpened");
		if (this.tls) {
			// The handshake needs reads; the handler sees nothing before it succeeds (onHandshake).
			ctx.channel().config().setAutoRead(true);
		}
		if (!this.limits.admit(this.session)) {
			logger.debug("Session {} from {} rejected: session limit reached", this.session.id(),
					this.session.remoteAddress());
			record(this.metrics::connectionRejected, "connectionRejected");
			reject(ctx);
			return;
		}
		this.admitted = true;
		if (!this.tls) {
			open(ctx);
		}
	}

	private void open(ChannelHandlerContext ctx) {
		// The registry isolates its listeners: a failing one cannot keep the session out or leave it half in.
		this.registry.add(this.session);
		this.registered = true;
		logger.debug("Session {} opened from {}", this.session.id(), this.session.remoteAddress());
		this.opened = true;
		try {
			this.handler.onOpen(this.session);
		}
		catch (Throwable ex) {
			this.session.handlerFailed(ex);
		}
		if (this.session.isOpen()) {
			ctx.channel().config().setAutoRead(true);
		}
	}

	// Refused by a limit: the handler may give one packet to tell the client why. It is written and flushed, then
	// the channel closes; nothing is read, and a peer that does not take it is closed after a short deadline.
	private void reject(ChannelHandlerContext ctx) {
		this.session.markClosed(CloseReason.REJECTED_LIMIT);
		ByteBuf notice = null;
		try {
			notice = this.handler.onRejected(this.session);
			if (notice != null) {
				this.session.checkSendSize(notice.readableBytes());
			}
		}
		catch (Throwable ex) {
			logger.warn("Session {} handler failed in onRejected", this.session.id(), ex);
			if (notice != null) {
				notice.release();
			}
			notice = null;
		}
		Channel channel = ctx.channel();
		if (notice == null) {
			channel.close();
			return;
		}
		channel.writeAndFlush(notice).addListener(ChannelFutureListener.CLOSE);
		ScheduledFuture<?> deadline = ctx.executor().schedule(() -> channel.close(), REJECTION_WRITE_TIMEOUT_MILLIS,
				TimeUnit.MILLISECONDS);
		channel.closeFuture().addListener((future) -> deadline.cancel(false));
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		ByteBuf data = (ByteBuf) msg;
		if (!this.session.isOpen()) {
			// A packet decoded in the same read as the close: its answer would be refused, so it is not handed over.
			data.release();
			return;
		}
		try {
			if (this.countPackets) {
				this.session.recordPacket();
				this.metrics.packetReceived();
			}
			this.session.beginReceive(data);
			this.handler.onReceive(this.session, data);
		}
		catch (Throwable ex) {
			this.session.handlerFailed(ex);
		}
		finally {
			this.session.endReceive();
			data.release();
		}
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
		if (event instanceof IdleStateEvent) {
			// A peer that closed its side sends nothing by design: it is not idle, it is gone.
			this.session.closeByCore(this.inputShutdown ? CloseReason.PEER_CLOSED : CloseReason.IDLE_TIMEOUT);
			return;
		}
		// The peer's TLS close_notify says, as its FIN does, that it will send no more.
		if (event == ChannelInputShutdownEvent.INSTANCE || event instanceof SslCloseCompletionEvent) {
			if (!this.session.isOpen()) {
				// The end of a lingering close: the peer has read everything and closed its side.
				ctx.close();
				return;
			}
			// The zero-byte completion: the peer will send no more. Answers may still be on their way from other
			// threads: the session stays writable for the grace, then closes, flushing what was sent.
			this.inputShutdown = true;
			if (this.tls && !this.handshaken) {
				// Gone before its handshake finished: there is nothing to answer.
				this.session.markClosed(CloseReason.PEER_CLOSED);
				ctx.close();
				return;
			}
			if (this.halfCloseGraceMillis == 0) {
				this.session.closeByCore(CloseReason.PEER_CLOSED);
			}
			else {
				ctx.executor().schedule(() -> this.session.closeByCore(CloseReason.PEER_CLOSED),
						this.halfCloseGraceMillis, TimeUnit.MILLISECONDS);
			}
			return;
		}
		if (event == DrainEvent.INSTANCE) {
			onDrain();
			return;
		}
		if (event instanceof SslHandshakeCompletionEvent handshake) {
			onHandshake(ctx, handshake);
			return;
		}
		ctx.fireUserEventTriggered(event);
	}

	private void onHandshake(ChannelHandlerContext ctx, SslHandshakeCompletionEvent handshake) {
		if (!this.session.isOpen()) {
			// Closed meanwhile (refused by a limit, the peer gone): nothing to open or to count.
			return;
		}
		if (handshake.isSuccess()) {
			this.handshaken = true;
			record(this.metrics::tlsHandshakeSucceeded, "tlsHandshakeSucceeded");
			SslHandler ssl = ctx.pipeline().get(SslHandler.class);
			this.session.peerSubject(ServerTls.peerSubject(ssl.engine().getSession()));
			open(ctx);
			return;
		}
		handshakeFailed(ctx, handshake.cause());
	}

	private void handshakeFailed(ChannelHandlerContext ctx, Throwable cause) {
		if (cause instanceof ClosedChannelException) {
			// The peer left before finishing its handshake (a TCP health check, a client giving up): it closed.
			this.session.markClosed(CloseReason.PEER_CLOSED);
			ctx.close();
			return;
		}
		record(this.metrics::tlsHandshakeFailed, "tlsHandshakeFailed");
		logger.debug("Session {} from {}: TLS handshake failed: {}", this.session.id(), this.session.remoteAddress(),
				cause.toString());
		this.session.markClosed(CloseReason.TLS_HANDSHAKE_FAILED);
		ctx.close();
	}

	private void onDrain() {
		if (!this.session.isOpen()) {
			return;
		}
		logger.debug("Session {} told to drain", this.session.id());
		try {
			this.handler.onDrain(this.session);
		}
		catch (Throwable ex) {
			this.session.handlerFailed(ex);
		}
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (this.tls && !this.handshaken && this.session.isOpen() && !(cause instanceof IOException)) {
			// What breaks before the handshake succeeded (plaintext, a bad record) is the handshake's failure.
			handshakeFailed(ctx, cause);
			return;
		}
		CloseReason reason = reasonFor(cause);
		if (reason == CloseReason.RESET && this.inputShutdown && !isResetWhileEstablished(cause)) {
			// A write to a peer that had closed its side: that peer closed, it did not fail.
			reason = CloseReason.PEER_CLOSED;
		}
		if (this.session.isOpen()) {
			if (reason == CloseReason.ERROR) {
				logger.warn("Session {} failed; closing the session", this.session.id(), cause);
			}
			else {
				logger.debug("Session {} closing on {}: {}", this.session.id(), reason, cause.toString());
			}
		}
		this.session.closeByCore(reason);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		CloseReason reason = this.session.markClosed(reasonWhenNoneGiven(ctx));
		// Whatever an observer does, the slot is released, the session leaves the registry, the close future
		// completes and the event goes on.
		try {
			record(() -> this.metrics.sessionClosed(reason), "sessionClosed");
			if (this.admitted) {
				this.limits.release(this.session);
			}
			if (this.registered) {
				this.registry.remove(this.session, reason);
				logger.debug("Session {} closed: {}", this.session.id(), reason);
				if (this.opened) {
					try {
						this.handler.onClose(this.session, reason);
					}
					catch (Throwable ex) {
						logger.warn("Session {} handler failed in onClose", this.session.id(), ex);
					}
				}
			}
		}
		finally {
			this.session.completeClose(reason);
			ctx.fireChannelInactive();
		}
	}

	// No reason given before the channel went inactive: say what closed it. The peer's close and reset arrive
	// as events first; what is left is the loop shutting down or code closing the channel itself.
	private CloseReason reasonWhenNoneGiven(ChannelHandlerContext ctx) {
		if (this.inputShutdown) {
			return CloseReason.PEER_CLOSED;
		}
		if (ctx.executor().isShuttingDown()) {
			return CloseReason.SERVER_SHUTDOWN;
		}
		return CloseReason.CLOSED_BY_APPLICATION;
	}

	private void record(Runnable metric, String name) {
		try {
			metric.run();
		}
		catch (Throwable ex) {
			logger.warn("Session {}: ServerMetrics.{} failed", this.session.id(), name, ex);
		}
	}

	// Linux reports a reset that came while the connection was established as ECONNRESET, and one that came after
	// the peer's FIN (the peer closed, then refused our answer) as EPIPE. On io_uring a write and a read in flight
	// race for that error: when the write takes the ECONNRESET, the read sees only the end of input, and the
	// session would count a reset as PEER_CLOSED.
	private static boolean isResetWhileEstablished(Throwable cause) {
		return cause instanceof Errors.NativeIoException nativeCause
				&& nativeCause.expectedErr() == Errors.ERRNO_ECONNRESET_NEGATIVE;
	}

	static CloseReason reasonFor(Throwable cause) {
		if (cause instanceof TooLongFrameException) {
			return CloseReason.FRAME_TOO_LARGE;
		}
		if (cause instanceof CorruptedFrameException) {
			return CloseReason.PROTOCOL_ERROR;
		}
		if (cause instanceof DecoderException && cause.getCause() instanceof TooLongFrameException) {
			return CloseReason.FRAME_TOO_LARGE;
		}
		if (cause instanceof DecoderException) {
			return CloseReason.PROTOCOL_ERROR;
		}
		if (cause instanceof IOException) {
			return CloseReason.RESET;
		}
		return CloseReason.ERROR;
	}

}
