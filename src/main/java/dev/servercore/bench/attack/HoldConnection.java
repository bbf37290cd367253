package dev.servercore.bench.attack;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;

/**
 * {@link AttackMode#HOLD}: sends the first {@code --send} bytes of the client's message (all of it by default,
 * then checks the echo byte by byte), trickles one more byte every {@code --interval} without completing
 * it, and otherwise stays silent until the server closes the connection or the run ends.
 */
final class HoldConnection extends AttackConnection {

	private final int total;

	private final boolean complete;

	private int sent;

	private int received;

	private boolean mismatched;

	private ScheduledFuture<?> trickle;

	private ScheduledFuture<?> end;

	HoldConnection(AttackClient client, int id) {
		super(client, id);
		this.total = client.messageBytes.length;
		int send = client.options.send;
		this.sent = (send < 0) ? this.total : Math.min(send, this.total);
		this.complete = this.sent == this.total && this.total > 0 && client.options.headerValue == null;
	}

	@Override
	void onActive() {
		if (this.sent > 0) {
			send(this.client.message.retainedSlice(0, this.sent));
		}
		long interval = this.client.options.interval.toNanos();
		if (interval > 0 && !this.complete) {
			this.trickle = this.ctx.executor().scheduleAtFixedRate(this::trickleOne, interval, interval,
					TimeUnit.NANOSECONDS);
		}
		long lifetime = this.client.options.lifetime.toNanos();
		if (lifetime > 0) {
			this.end = this.ctx.executor().schedule(this::closeByUs, lifetime, TimeUnit.NANOSECONDS);
		}
	}

	// One more byte, never the last one: the message stays unfinished.
	private void trickleOne() {
		if (this.sent < this.total - 1 && channel().isActive()) {
			send(this.client.message.retainedSlice(this.sent++, 1));
		}
	}

	@Override
	void onRead(ByteBuf data) {
		if (!this.complete || this.mismatched) {
			return;
		}
		int length = data.readableBytes();
		boolean wasComplete = this.received == this.total;
		for (int i = 0; i < length; i++) {
			// A byte past the end of the message is as wrong as a changed one.
			if (this.received == this.total
					|| data.getByte(data.readerIndex() + i) != this.client.messageBytes[this.received++]) {
				this.mismatched = true;
				this.client.mismatches.incrementAndGet();
				return;
			}
		}
		if (!wasComplete && this.received == this.total) {
			this.client.echoed.incrementAndGet();
		}
	}

	@Override
	void onInactive() {
		if (this.trickle != null) {
			this.trickle.cancel(false);
		}
		if (this.end != null) {
			this.end.cancel(false);
		}
	}

}
