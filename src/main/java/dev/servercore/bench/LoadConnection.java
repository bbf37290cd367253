package dev.servercore.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;

/**
 * One load-client connection: sends numbered messages, checks every echoed byte against what was sent, and
 * records each message's round trip. Runs on its channel's event loop only, so it needs no locks.
 *
 * <p>Each message is the connection's template (length header, then a payload pattern that depends on the
 * connection) with the message's sequence number in the first payload bytes. The echo is read as a byte
 * stream and compared, range by range, with the template of the message expected at that position, so
 * any split or coalescing of reads is fine and a byte out of place, a lost, a duplicated or a reordered
 * message counts as a mismatch.
 */
final class LoadConnection extends ChannelInboundHandlerAdapter {

	// Ranges from this length on are compared with ByteBuffer.mismatch rather than ByteBufUtil.equals.
	private static final int VECTORIZED_COMPARE_FROM = 256;

	// Messages from this size on are sent as a small head plus a shared payload, without a copy per message.
	private static final int SHARED_PAYLOAD_FROM = 1024;

	// The sequence number takes up to this many leading payload bytes.
	private static final int SEQUENCE_BYTES = 8;

	private final LoadClient client;

	private final int id;

	private final BenchMode mode;

	private final int wireSize;

	private final int headerBytes;

	private final int depth;

	// Time between intended sends on this connection; 0 sends as soon as the in-flight limit allows.
	private final long intervalNanos;

	private final long[] sendTimes;

	private final int mask;

	// Connect mode: when this connection was meant to start opening (its latency counts from then).
	private final long openStartNanos;

	private final byte[] templateBytes;

	private ByteBuf template;

	// Large messages: the part of the payload after the sequence number, shared by every send.
	private ByteBuf sharedTail;

	// Set by the client's thread when connecting and read by that thread only.
	private Channel channel;

	private ChannelHandlerContext ctx;

	private LoopStats stats;

	private long sendSeq;

	private long recvSeq;

	private int position;

	private boolean mismatched;

	private long nextIntendedNanos;

	private boolean timerArmed;

	private boolean running;

	private boolean flushPending;

	private boolean failed;

	private boolean settled;

	private boolean countedOpen;

	LoadConnection(LoadClient client, BenchOptions options, int id, long openStartNanos) {
		this.client = client;
		this.id = id;
		this.mode = options.mode();
		this.wireSize = options.wireSize();
		this.headerBytes = options.format().headerBytes();
		this.depth = options.depth();
		this.openStartNanos = openStartNanos;
		if (options.rate() > 0 && this.mode != BenchMode.CONNECT) {
			this.intervalNanos = Math.max(1, Math.round(options.connections() * 1e9 / options.rate()));
		}
		else {
			this.intervalNanos = 0;
		}
		int slots = Integer.highestOneBit(Math.max(1, this.depth) * 2 - 1);
		this.sendTimes = new long[slots];
		this.mask = slots - 1;
		this.templateBytes = template(options, id);
	}

	/**
	 * Builds a message template: header, then a payload pattern unique to the connection.
	 */
	static byte[] template(BenchOptions options, int id) {
		ByteBuf buffer = Unpooled.buffer(options.wireSize());
		try {
			options.format().writeHeader(buffer, options.size());
			for (int i = 0; i < options.size(); i++) {
				buffer.writeByte(i * 7 + id * 131 + 17);
			}
			return ByteBufUtil.getBytes(buffer);
		}
		finally {
			buffer.release();
		}
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.ctx = ctx;
		this.template = Unpooled.wrappedBuffer(this.templateBytes);
		this.stats = this.client.statsFor(ctx.channel().eventLoop());
		int prefix = this.headerBytes + Math.min(SEQUENCE_BYTES, this.wireSize - this.headerBytes);
		if (this.wireSize >= SHARED_PAYLOAD_FROM) {
			// The payload after the sequence number is the same in every message: written from one buffer.
			ByteBuf tail = ctx.alloc().directBuffer(this.wireSize - prefix);
			tail.writeBytes(this.templateBytes, prefix, this.wireSize - prefix);
			this.sharedTail = tail.asReadOnly();
		}
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		this.running = false;
		this.template.release();
		if (this.sharedTail != null) {
			this.sharedTail.release();
		}
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		ctx.fireChannelActive();
		if (this.mode != BenchMode.CONNECT) {
			settle();
			return;
		}
		if (this.wireSize == 0) {
			this.stats.completed(System.nanoTime() - this.openStartNanos, 0, false);
			settle();
			return;
		}
		// One echo proves the session is served, as a login would.
		send(this.openStartNanos);
		flush();
	}

	/**
	 * Starts sending: called on this connection's loop once every connection is open.
	 */
	void start() {
		if (this.ctx == null || !this.ctx.channel().isActive()) {
			return;
		}
		this.running = true;
		long now = System.nanoTime();
		// Spread the connections' schedules over one interval so that they do not send in bursts.
		this.nextIntendedNanos = now + this.intervalNanos * this.id / Math.max(1, this.client.connectionCount());
		pump(now);
		flush();
	}

	/**
	 * Ends a clean run, on this connection's loop: sends nothing more, and once what was sent is written,
	 * shuts down its output (FIN). The echoes still on their way are read until the server closes too, so
	 * neither side resets the connection and the server counts it as closed by its peer.
	 */
	void finish() {
		this.running = false;
		if (this.ctx == null || !this.channel.isActive()) {
			return;
		}
		// An empty write completes after every earlier one; shutting the output down at once would drop them.
		this.flushPending = false;
		this.ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) (written) -> {
			// With TLS too, a FIN and no close_notify yet: once it has received close_notify, an OpenSSL engine sends
			// nothing more, and the echoes still on their way would be lost. The server closes first (close_notify,
			// then FIN), and the client closes after it.
			if (written.isSuccess() && written.channel() instanceof DuplexChannel duplex) {
				duplex.shutdownOutput();
			}
			else {
				written.channel().close();
			}
		});
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (!(msg instanceof ByteBuf data)) {
			ctx.fireChannelRead(msg);
			return;
		}
		long now = System.nanoTime();
		try {
			consume(data, now);
		}
		finally {
			data.release();
		}
		if (this.running) {
			pump(now);
		}
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		flush();
		ctx.fireChannelReadComplete();
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		if (this.running && ctx.channel().isWritable()) {
			pump(System.nanoTime());
			flush();
		}
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (!this.failed && !this.client.isStopping()) {
			this.failed = true;
			this.client.connectionError("connection " + this.id + ": " + cause);
		}
		ctx.close();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		this.running = false;
		if (!this.failed && !this.client.isStopping()) {
			this.failed = true;
			this.client.connectionError("connection " + this.id + ": closed by the server");
		}
		settle();
		if (this.countedOpen) {
			this.countedOpen = false;
			this.client.connectionClosed();
		}
		ctx.fireChannelInactive();
	}

	private void consume(ByteBuf data, long now) {
		while (data.isReadable()) {
			if (this.recvSeq >= this.sendSeq) {
				// More bytes than were sent: nothing can match them.
				this.stats.unsolicited();
				data.skipBytes(data.readableBytes());
				return;
			}
			if (this.position == 0) {
				writeSequence(this.template, 0, this.recvSeq);
			}
			int length = Math.min(this.wireSize - this.position, data.readableBytes());
			if (!matches(data, data.readerIndex(), length)) {
				this.mismatched = true;
			}
			data.skipBytes(length);
			this.position += length;
			if (this.position == this.wireSize) {
				completed(now);
			}
		}
	}

	// Whether the received range equals the expected one, from the current position of the message.
	private boolean matches(ByteBuf data, int index, int length) {
		if (length >= VECTORIZED_COMPARE_FROM && data.nioBufferCount() == 1) {
			// ByteBuffer.mismatch is vectorized: it keeps checking large chunks cheaper than sending them.
			ByteBuffer expected = ByteBuffer.wrap(this.templateBytes, this.position, length);
			return data.nioBuffer(index, length).mismatch(expected) < 0;
		}
		return ByteBufUtil.equals(data, index, this.template, this.position, length);
	}

	private void completed(long now) {
		long sentAt = this.sendTimes[(int) (this.recvSeq & this.mask)];
		this.stats.completed(now - sentAt, this.wireSize, this.mismatched);
		this.recvSeq++;
		this.position = 0;
		this.mismatched = false;
		if (this.mode == BenchMode.CONNECT && this.recvSeq == 1) {
			settle();
		}
	}

	private void pump(long now) {
		switch (this.mode) {
			case PING_PONG, PIPELINED -> {
				if (this.intervalNanos == 0) {
					while (this.sendSeq - this.recvSeq < this.depth) {
						send(now);
					}
					return;
				}
				while (this.sendSeq - this.recvSeq < this.depth && this.nextIntendedNanos <= now) {
					// Latency counts from the intended send time: coordinated omission corrected.
					send(this.nextIntendedNanos);
					this.nextIntendedNanos += this.intervalNanos;
				}
				if (this.sendSeq - this.recvSeq < this.depth && !this.timerArmed) {
					this.timerArmed = true;
					this.ctx.executor().schedule(this::onTimer, this.nextIntendedNanos - now, TimeUnit.NANOSECONDS);
				}
			}
			case STREAM -> {
				while (this.sendSeq - this.recvSeq < this.depth && this.ctx.channel().isWritable()) {
					send(now);
				}
			}
			default -> {
			}
		}
	}

	private void onTimer() {
		this.timerArmed = false;
		if (this.running) {
			pump(System.nanoTime());
			flush();
		}
	}

	private void send(long stamp) {
		if (this.sharedTail != null) {
			// Large message: a small buffer with the header and sequence number, then the shared payload.
			int prefix = this.wireSize - this.sharedTail.readableBytes();
			ByteBuf head = this.ctx.alloc().directBuffer(prefix);
			head.writeBytes(this.template, 0, prefix);
			writeSequence(head, 0, this.sendSeq);
			this.ctx.write(head, this.ctx.voidPromise());
			this.ctx.write(this.sharedTail.retainedDuplicate(), this.ctx.voidPromise());
		}
		else {
			ByteBuf message = this.ctx.alloc().directBuffer(this.wireSize);
			message.writeBytes(this.template, 0, this.wireSize);
			writeSequence(message, 0, this.sendSeq);
			this.ctx.write(message, this.ctx.voidPromise());
		}
		this.sendTimes[(int) (this.sendSeq & this.mask)] = stamp;
		this.sendSeq++;
		this.flushPending = true;
	}

	private void flush() {
		if (this.flushPending) {
			this.flushPending = false;
			this.ctx.flush();
		}
	}

	private void writeSequence(ByteBuf buffer, int base, long seq) {
		int bytes = Math.min(SEQUENCE_BYTES, this.wireSize - this.headerBytes);
		int at = base + this.headerBytes;
		if (bytes == SEQUENCE_BYTES) {
			buffer.setLong(at, seq);
			return;
		}
		for (int i = 0; i < bytes; i++) {
			buffer.setByte(at + i, (int) (seq >>> (8 * (bytes - 1 - i))));
		}
	}

	// Counts this connection once as open (or as given up) towards the client's start barrier.
	private void settle() {
		if (!this.settled) {
			this.settled = true;
			this.countedOpen = !this.failed && this.ctx.channel().isActive();
			this.client.connectionSettled(this.countedOpen);
		}
	}

	void channel(Channel channel) {
		this.channel = channel;
	}

	Channel channel() {
		return this.channel;
	}

}
