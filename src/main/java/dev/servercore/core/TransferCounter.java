package dev.servercore.core;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts the bytes that cross the socket, nearest to it: every receive completion (the article's
 * {@code transferredBytes}) and every write, packet headers included. Plain field updates and one metric
 * call per read, the clock read once per read batch: nothing allocated, looked up or locked.
 */
final class TransferCounter extends ChannelDuplexHandler {

	private final Session session;

	private final ServerMetrics metrics;

	TransferCounter(Session session, ServerMetrics metrics) {
		this.session = session;
		this.metrics = metrics;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.session.wireContext(ctx);
	}

	// Set by a read, cleared when the read batch completes and the receive time is stamped once for it.
	private boolean received;

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof ByteBuf) {
			int bytes = ((ByteBuf) msg).readableBytes();
			this.session.recordRead(bytes);
			this.metrics.bytesRead(bytes);
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
			this.session.recordReceiveTime(System.currentTimeMillis());
		}
		ctx.fireChannelReadComplete();
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof ByteBuf) {
			int bytes = ((ByteBuf) msg).readableBytes();
			if (bytes > 0) {
				this.session.recordWrite(bytes);
				this.metrics.bytesWritten(bytes);
			}
		}
		ctx.write(msg, promise);
	}

}
