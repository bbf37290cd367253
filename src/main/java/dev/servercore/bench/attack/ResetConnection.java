package dev.servercore.bench.attack;

import io.netty.channel.ChannelOption;

/**
 * {@link AttackMode#RESET}: once connected, sends {@code --size} bytes (every other connection sends nothing)
 * and at once closes with {@code SO_LINGER} 0, so the server sees a reset, often with data unread.
 */
final class ResetConnection extends AttackConnection {

	ResetConnection(AttackClient client, int id) {
		super(client, id);
	}

	@Override
	void onActive() {
		if (id() % 2 == 0) {
			send(this.client.message.retainedSlice(0, this.client.message.readableBytes()));
		}
		channel().config().setOption(ChannelOption.SO_LINGER, 0);
		this.client.resetsSent.incrementAndGet();
		closeByUs();
	}

}
