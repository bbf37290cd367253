package dev.servercore.core;

import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Counts the bytes that cross the socket, nearest to it: every receive completion (the article's
 * {@code transferredBytes}) and every write, packet headers included; hands writes to the channel through
 * the session's {@link SendQueue}, which counts what is queued; and, from the receive time it stamps, tells
 * the session handler when nothing was received for the idle timeout. Plain field updates and one metric
 * call per read, the clock read once per read batch: nothing allocated, looked up or locked.
 *
 * <p>The idle check is Netty's {@code IdleStateHandler} reader-idle check, done here because this handler stamps
 * the receive time anyway: one handler, one clock read per read batch and about 180 bytes per session less. It
 * fires the same {@link IdleStateEvent#READER_IDLE_STATE_EVENT}.
 *
 * <p>Flushes are coalesced here too, as Netty's {@code FlushConsolidationHandler(256, true)} does (one handler
 * and about 120 bytes per session less): during a read batch a flush waits for the batch's end, the 256th
 * flush, or {@value #FLUSH_AT_QUEUED_BYTES} bytes queued; outside one, for a task on the loop, so that the sends
 * of a broadcast share one flush.
 */
final class TransferCounter extends ChannelDuplexHandler implements Runnable {

	// Flush at the latest after this many flushes, even in a long read batch.
	private static final int EXPLICIT_FLUSH_AFTER_FLUSHES = 256;

	// Flush at once, even in a read batch, when this much payload waits: large writes (streaming) leave without
	// waiting for the batch's end, which keeps fewer received buffers alive and the peer's pipe fuller.
	static final int FLUSH_AT_QUEUED_BYTES = 64 * 1024;

	private final Session session;

	// What every session of the server shares (metrics, idle timeout): one reference, not one field each.
	private final Shared shared;

	// Set by a read, cleared when the read batch completes and the receive time is stamped once for it.
	private boolean received;

	// When the last read batch completed (or the channel became active): the idle check's reference.
	private long lastReadNanos;

	private ScheduledFuture<?> idleCheck;

	// Flushes asked for and not yet passed on; the task that passes them on outside a read batch.
	private int flushPendingCount;

	private Future<?> nextScheduledFlush;

	private Runnable flushTask;

	TransferCounter(Session session, Shared shared) {
		this.session = session;
		this.shared = shared;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.session.wireContext(ctx);
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		if (this.shared.idleTimeoutNanos > 0) {
			this.lastReadNanos = System.nanoTime();
			scheduleIdleCheck(this.shared.idleTimeoutNanos);
		}
		ctx.fireChannelActive();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		flushIfNeeded(ctx);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		if (this.idleCheck != null) {
			this.idleCheck.cancel(false);
			this.idleCheck = null;
		}
		ctx.fireChannelInactive();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof ByteBuf) {
			int bytes = ((ByteBuf) msg).readableBytes();
			this.session.recordRead(bytes);
			this.shared.metrics.bytesRead(bytes);
			this.received = true;
			if (!this.session.isOpen()) {
				// A closing session reads only to find the peer's end of stream: nothing goes up the pipeline.
				((ByteBuf) msg).release();
				return;
			}
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (this.received) {
			this.received = false;
			long now = System.nanoTime();
			this.lastReadNanos = now;
			this.session.recordReceiveTime(now);
		}
		flushIfNeeded(ctx);
		ctx.fireChannelReadComplete();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		this.received = false;
		flushIfNeeded(ctx);
		ctx.fireExceptionCaught(cause);
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		if (!ctx.channel().isWritable()) {
			// The outbound buffer is full: what waits must go out for it to drain.
			flushIfNeeded(ctx);
		}
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
		this.received = false;
		flushIfNeeded(ctx);
		ctx.disconnect(promise);
	}

	@Override
	public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
		this.received = false;
		flushIfNeeded(ctx);
		ctx.close(promise);
	}

	@Override
	public void flush(ChannelHandlerContext ctx) {
		if (++this.flushPendingCount == EXPLICIT_FLUSH_AFTER_FLUSHES
				|| this.session.bytesQueued() >= FLUSH_AT_QUEUED_BYTES) {
			flushNow(ctx);
		}
		else if (!this.received) {
			scheduleFlush(ctx);
		}
	}

	private void flushNow(ChannelHandlerContext ctx) {
		if (this.nextScheduledFlush != null) {
			this.nextScheduledFlush.cancel(false);
			this.nextScheduledFlush = null;
		}
		this.flushPendingCount = 0;
		ctx.flush();
	}

	private void flushIfNeeded(ChannelHandlerContext ctx) {
		if (this.flushPendingCount > 0) {
			flushNow(ctx);
		}
	}

	private void scheduleFlush(ChannelHandlerContext ctx) {
		if (this.nextScheduledFlush == null) {
			if (this.flushTask == null) {
				this.flushTask = () -> {
					if (this.flushPendingCount > 0 && !this.received) {
						this.flushPendingCount = 0;
						this.nextScheduledFlush = null;
						this.session.wireContext().flush();
					}
				};
			}
			this.nextScheduledFlush = ctx.channel().eventLoop().submit(this.flushTask);
		}
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof ByteBuf) {
			int bytes = ((ByteBuf) msg).readableBytes();
			if (bytes > 0) {
				this.session.recordWrite(bytes);
				this.shared.metrics.bytesWritten(bytes);
			}
		}
		this.session.sendQueue().write(ctx, msg, promise);
	}

	private void scheduleIdleCheck(long delayNanos) {
		this.idleCheck = this.session.wireContext().executor().schedule(this, delayNanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * The idle check, on the loop: fires the idle event once nothing was received for the idle timeout, and
	 * checks again a full timeout later (as Netty's reader-idle check does), or when the timeout would end.
	 */
	@Override
	public void run() {
		if (!this.session.wireContext().channel().isOpen()) {
			return;
		}
		long timeout = this.shared.idleTimeoutNanos;
		long remaining = timeout - (System.nanoTime() - this.lastReadNanos);
		if (remaining > 0) {
			scheduleIdleCheck(remaining);
			return;
		}
		scheduleIdleCheck(timeout);
		this.session.wireContext().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
	}

	/**
	 * The settings every transfer counter of a server shares.
	 * @param metrics what to record
	 * @param idleTimeoutNanos nothing received for this long fires the idle event; 0: no idle check
	 */
	record Shared(ServerMetrics metrics, long idleTimeoutNanos) {
	}

}
