package dev.servercore.bench.attack;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;

/**
 * {@link AttackMode#RANDOM}: every {@code --interval} (10 ms if none is given) writes 1 to {@code --size}
 * random bytes, header bytes included, and discards whatever comes back.
 */
final class RandomConnection extends AttackConnection {

	private static final long DEFAULT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private ScheduledFuture<?> writes;

	RandomConnection(AttackClient client, int id) {
		super(client, id);
	}

	@Override
	void onActive() {
		long interval = this.client.options.interval.toNanos();
		interval = (interval > 0) ? interval : DEFAULT_INTERVAL_NANOS;
		this.writes = this.ctx.executor().scheduleAtFixedRate(this::writeRandom, 0, interval, TimeUnit.NANOSECONDS);
	}

	private void writeRandom() {
		if (!channel().isActive() || !channel().isWritable() || this.client.isStopping()) {
			return;
		}
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int length = 1 + random.nextInt(this.client.options.size);
		ByteBuf chunk = this.ctx.alloc().buffer(length);
		for (int i = 0; i < length; i++) {
			chunk.writeByte(random.nextInt(256));
		}
		send(chunk);
	}

	@Override
	void onInactive() {
		if (this.writes != null) {
			this.writes.cancel(false);
		}
	}

}
