package dev.servercore.bench.attack;

import io.netty.channel.ChannelHandlerContext;

/**
 * {@link AttackMode#NO_READ}: writes {@code --size} chunks whenever the socket takes them and never reads (the
 * client's auto-read is off), so everything the server sends back piles up on the server's side.
 */
final class NoReadConnection extends AttackConnection {

	// Writes per turn of the loop before yielding to the other connections on it.
	private static final int WRITES_PER_TURN = 16;

	NoReadConnection(AttackClient client, int id) {
		super(client, id);
	}

	@Override
	void onActive() {
		pump();
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		if (ctx.channel().isWritable()) {
			pump();
		}
	}

	private void pump() {
		int writes = 0;
		while (channel().isActive() && channel().isWritable() && !this.client.isStopping()) {
			// One shared read-only chunk: no copy and no allocation per write.
			this.client.bytesSent.addAndGet(this.client.message.readableBytes());
			this.ctx.write(this.client.message.retainedDuplicate(), this.ctx.voidPromise());
			if (++writes == WRITES_PER_TURN) {
				this.ctx.flush();
				this.ctx.executor().execute(this::pump);
				return;
			}
		}
		this.ctx.flush();
	}

}
