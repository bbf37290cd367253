package dev.servercore.bench.attack;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * {@link AttackMode#PIPELINE}: keeps {@code --pipeline} numbered messages in flight, checks every echoed byte
 * against what was sent (a lost, changed or reordered byte is a mismatch) and, when the server closes the
 * connection, records when each message still unanswered was sent.
 */
final class PipelineConnection extends AttackConnection {

	private final int size;

	private final byte[] header;

	private final int wire;

	private final long[] sendTimes;

	private long sendSeq;

	private long recvSeq;

	private int offset;

	private boolean mismatched;

	PipelineConnection(AttackClient client, int id) {
		super(client, id);
		this.size = client.options.size;
		ByteBuf headerBuf = Unpooled.buffer(4);
		client.options.format.writeHeader(headerBuf, this.size);
		this.header = new byte[headerBuf.readableBytes()];
		headerBuf.readBytes(this.header);
		this.wire = this.header.length + this.size;
		this.sendTimes = new long[client.options.pipeline];
	}

	@Override
	void onActive() {
		for (int i = 0; i < this.sendTimes.length; i++) {
			sendNext();
		}
	}

	private void sendNext() {
		if (this.client.isStopping() || !channel().isActive()) {
			return;
		}
		ByteBuf message = this.ctx.alloc().buffer(this.wire);
		message.writeBytes(this.header);
		for (int j = 0; j < this.size; j++) {
			message.writeByte(expectedPayloadByte(this.sendSeq, j));
		}
		this.sendTimes[(int) (this.sendSeq % this.sendTimes.length)] = System.currentTimeMillis();
		this.sendSeq++;
		send(message);
	}

	private byte expectedPayloadByte(long seq, int index) {
		return (byte) (id() * 7 + seq * 31 + index);
	}

	@Override
	void onRead(ByteBuf data) {
		if (this.mismatched) {
			return;
		}
		int length = data.readableBytes();
		int base = data.readerIndex();
		for (int i = 0; i < length; i++) {
			byte expected = (this.offset < this.header.length) ? this.header[this.offset]
					: expectedPayloadByte(this.recvSeq, this.offset - this.header.length);
			if (this.recvSeq >= this.sendSeq || data.getByte(base + i) != expected) {
				this.mismatched = true;
				this.client.mismatches.incrementAndGet();
				closeByUs();
				return;
			}
			if (++this.offset == this.wire) {
				this.offset = 0;
				this.recvSeq++;
				this.client.answered.incrementAndGet();
				sendNext();
			}
		}
	}

	@Override
	void onInactive() {
		if (this.client.isStopping() || this.mismatched) {
			return;
		}
		for (long seq = this.recvSeq; seq < this.sendSeq; seq++) {
			this.client.unanswered.incrementAndGet();
			this.client.unansweredSendTimes.add(this.sendTimes[(int) (seq % this.sendTimes.length)]);
		}
	}

}
