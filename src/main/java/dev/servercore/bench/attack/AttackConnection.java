package dev.servercore.bench.attack;

import java.io.IOException;
import java.util.Locale;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One hostile connection: counts its bytes, tells its {@link AttackClient} when it opens and closes and
 * whether the server or the client closed it. Subclasses add the misbehaviour; all on the channel's loop.
 */
abstract class AttackConnection extends ChannelInboundHandlerAdapter {

	final AttackClient client;

	private final int id;

	ChannelHandlerContext ctx;

	private long openedAtNanos;

	private boolean closedByUs;

	private boolean resetSeen;

	AttackConnection(AttackClient client, int id) {
		this.client = client;
		this.id = id;
	}

	int id() {
		return this.id;
	}

	Channel channel() {
		return this.ctx.channel();
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.ctx = ctx;
	}

	@Override
	public final void channelActive(ChannelHandlerContext ctx) {
		this.openedAtNanos = System.nanoTime();
		this.client.opened();
		onActive();
	}

	@Override
	public final void channelRead(ChannelHandlerContext ctx, Object msg) {
		ByteBuf data = (ByteBuf) msg;
		try {
			this.client.bytesReceived.addAndGet(data.readableBytes());
			onRead(data);
		}
		finally {
			data.release();
		}
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (cause instanceof IOException && String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("reset")) {
			this.resetSeen = true;
		}
		ctx.close();
	}

	@Override
	public final void channelInactive(ChannelHandlerContext ctx) {
		onInactive();
		this.client.closed(this, this.closedByUs, this.resetSeen, (System.nanoTime() - this.openedAtNanos) / 1_000_000);
	}

	/** Closes from the client side: not counted as a server close. */
	void closeByUs() {
		this.closedByUs = true;
		this.ctx.close();
	}

	/** Writes and flushes, counting the bytes. */
	void send(ByteBuf data) {
		this.client.bytesSent.addAndGet(data.readableBytes());
		this.ctx.writeAndFlush(data, this.ctx.voidPromise());
	}

	abstract void onActive();

	void onRead(ByteBuf data) {
	}

	void onInactive() {
	}

}
