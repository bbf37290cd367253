package dev.servercore.bench.attack;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

/**
 * {@link AttackMode#POISON}: sends one normal packet and checks its echo, then a packet whose payload starts
 * with {@value #POISON} (the suite's test handler throws on it) and expects the server to close the session.
 */
final class PoisonConnection extends AttackConnection {

	/** The payload prefix that makes the suite's test handler throw. */
	static final String POISON = "THROW";

	private int received;

	private boolean poisonSent;

	PoisonConnection(AttackClient client, int id) {
		super(client, id);
	}

	@Override
	void onActive() {
		send(this.client.message.retainedDuplicate());
	}

	@Override
	void onRead(ByteBuf data) {
		int length = data.readableBytes();
		byte[] expected = this.client.messageBytes;
		for (int i = 0; i < length; i++) {
			if (this.poisonSent || this.received == expected.length
					|| data.getByte(data.readerIndex() + i) != expected[this.received++]) {
				// The poison packet came back, or a changed byte: not what the suite expects.
				this.client.mismatches.incrementAndGet();
				closeByUs();
				return;
			}
		}
		if (this.received == expected.length && !this.poisonSent) {
			this.client.echoed.incrementAndGet();
			this.poisonSent = true;
			byte[] poison = POISON.getBytes(StandardCharsets.US_ASCII);
			ByteBuf packet = this.ctx.alloc().buffer(8 + poison.length);
			this.client.options.format.writeHeader(packet, poison.length);
			send(packet.writeBytes(poison));
		}
	}

	@Override
	void onInactive() {
		if (this.poisonSent && !this.client.isStopping()) {
			this.client.poisonClosed.incrementAndGet();
		}
	}

}
