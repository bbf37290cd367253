package dev.servercore.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;

/**
 * Counts the payload bytes queued for one session, exactly: {@link Session#send} reserves the bytes of each
 * send against the session's cap and the server's {@link MemoryBudget} with one atomic update each, and the
 * channel gives them back when Netty has written (or dropped) that send.
 *
 * <p>The queue is also the promise of every send: one object per session, reused for every write, so counting
 * allocates nothing per message. Netty's outbound buffer completes the promises of its entries in the order
 * they were written; the queue therefore keeps the sizes of the entries it handed to the channel in a ring,
 * on the loop, and gives back the oldest size at each completion. Netty's own {@code totalPendingWriteBytes}
 * is not used: it adds about 96 bytes of bookkeeping per entry and 32 per write task from another thread.
 *
 * <pre>
 * send():   reserve(size) ─ cap and budget, atomically ─▶ writeAndFlush(data, queue)
 * wire:     write(), from the handler nearest the socket: remembers size in the ring, passes the queue as the promise
 * Netty:    entry written ─▶ queue.trySuccess() ─▶ give back the oldest size
 *           channel closed ─▶ queue.tryFailure() ─▶ give back everything still in the ring
 * </pre>
 *
 * With a packet encoder in the pipeline, the {@link PayloadMarker} above it passes Netty's void promise to
 * the encoder (a promise of ours would make it allocate a promise combiner per packet) and the
 * wire end ({@link #write}) recognises the payload buffer the encoder passes on; packet headers are not counted.
 *
 * <p>A whole packet built in one buffer ({@link Session#sendPacket(ByteBuf)}) travels with the queue's
 * {@link Framed} promise instead: the {@link PayloadMarker} hands it past the encoder, and the queue counts it
 * without its length field, as the encoder would have added it.
 */
final class SendQueue extends DefaultChannelPromise {

	private static final VarHandle QUEUED;

	private static final VarHandle FRAMED;

	static {
		try {
			QUEUED = MethodHandles.lookup().findVarHandle(SendQueue.class, "queued", long.class);
			FRAMED = MethodHandles.lookup().findVarHandle(SendQueue.class, "framed", Framed.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	// Small, and made on the first send: a held session that sends little keeps 32 bytes for it.
	private static final int INITIAL_RING = 4;

	private final long cap;

	private final MemoryBudget budget;

	// Bytes of the length field in front of each packet (0 without length-prefixed framing).
	private final int lengthFieldBytes;

	// The promise of whole packets, created on the first one: most sessions never send one.
	private volatile Framed framed;

	// Payload bytes reserved by sends and not yet given back; updated atomically from any thread.
	private volatile long queued;

	// On the loop only: the sizes of the entries handed to the channel and not yet completed, oldest first.
	private int[] ring;

	private int head;

	private int count;

	// On the loop only: the payload buffer an encoder is working on, set by the PayloadMarker.
	private ByteBuf encodingPayload;

	private boolean payloadReachedTheWire;

	// On the loop only: the size of the entry being handed to the channel, if its write fails at once.
	private int writing = -1;

	SendQueue(Channel channel, long cap, MemoryBudget budget, int lengthFieldBytes) {
		super(channel);
		this.cap = cap;
		this.budget = budget;
		this.lengthFieldBytes = lengthFieldBytes;
	}

	/**
	 * Returns the promise of whole packets (header included), from any thread.
	 */
	Framed framed() {
		Framed framed = this.framed;
		if (framed == null) {
			FRAMED.compareAndSet(this, null, new Framed(this));
			framed = this.framed;
		}
		return framed;
	}

	/**
	 * Returns the bytes a whole packet of {@code size} bytes counts: its size without the length field.
	 */
	int packetPayload(int size) {
		return size - this.lengthFieldBytes;
	}

	/**
	 * Returns the payload bytes reserved by sends and not yet written.
	 */
	long bytes() {
		return this.queued;
	}

	/**
	 * Reserves room for a send of {@code size} bytes, atomically: the cap is never passed, whatever the
	 * number of sending threads.
	 * @return {@code false} if the send would take the session past its cap
	 */
	boolean reserve(int size) {
		long current;
		do {
			current = this.queued;
			if (this.cap > 0 && current + size > this.cap) {
				return false;
			}
		}
		while (!QUEUED.compareAndSet(this, current, current + size));
		return true;
	}

	/**
	 * Reserves room for a send in the server's budget too; undoes the session's reservation if it fails.
	 * @return {@code false} if the server has no room for it
	 */
	boolean reserveInBudget(int size) {
		if (this.budget.tryReserve(MemoryBudget.sendCost(size))) {
			return true;
		}
		QUEUED.getAndAdd(this, (long) -size);
		return false;
	}

	private void giveBack(int size) {
		QUEUED.getAndAdd(this, (long) -size);
		this.budget.release(MemoryBudget.sendCost(size));
	}

	// The wire end, on the loop: a counted send reaches the channel.

	private void enqueue(ChannelHandlerContext ctx, ByteBuf payload, ChannelPromise promise, int size) {
		this.writing = size;
		ctx.write(payload, promise);
		if (this.writing >= 0) {
			this.writing = -1;
			push(size);
		}
	}

	private void push(int size) {
		if (this.ring == null) {
			this.ring = new int[INITIAL_RING];
		}
		if (this.count == this.ring.length) {
			int[] larger = new int[this.ring.length * 2];
			for (int i = 0; i < this.count; i++) {
				larger[i] = this.ring[(this.head + i) % this.ring.length];
			}
			this.ring = larger;
			this.head = 0;
		}
		this.ring[(this.head + this.count) % this.ring.length] = size;
		this.count++;
	}

	private void completeOldest() {
		if (this.count == 0) {
			return;
		}
		int size = this.ring[this.head];
		this.head = (this.head + 1) % this.ring.length;
		this.count--;
		if (this.count == 0 && this.ring.length > INITIAL_RING * 256) {
			// A burst grew the ring; do not keep it for the life of the session.
			this.ring = new int[INITIAL_RING];
			this.head = 0;
		}
		giveBack(size);
	}

	private void failAll() {
		while (this.count > 0) {
			completeOldest();
		}
	}

	/**
	 * The send queue's end nearest the socket, called by the {@link TransferCounter} for every write: hands
	 * each counted send to the channel with the queue (or its {@link Framed} promise) as its promise, and any
	 * other write as it is.
	 */
	void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (promise == this || (msg == this.encodingPayload && msg != null)) {
			this.payloadReachedTheWire = true;
			enqueue(ctx, (ByteBuf) msg, this, ((ByteBuf) msg).readableBytes());
			return;
		}
		if (promise == this.framed && promise != null) {
			enqueue(ctx, (ByteBuf) msg, promise, packetPayload(((ByteBuf) msg).readableBytes()));
			return;
		}
		ctx.write(msg, promise);
	}

	// Netty completes the entries' promises: this one, once per counted entry, in order.

	@Override
	public boolean trySuccess(Void result) {
		completeOldest();
		return true;
	}

	@Override
	public ChannelPromise setSuccess(Void result) {
		trySuccess(result);
		return this;
	}

	@Override
	public boolean tryFailure(Throwable cause) {
		if (this.writing >= 0) {
			// The entry being handed over failed at once (closed channel): it never entered the ring.
			giveBack(this.writing);
			this.writing = -1;
		}
		else {
			// Netty fails queued entries only when the channel's output ends, and then fails them all.
			failAll();
		}
		// As the void promise did: a failed write is reported through the pipeline (a reset is a RESET).
		channel().voidPromise().tryFailure(cause);
		return true;
	}

	@Override
	public ChannelPromise setFailure(Throwable cause) {
		tryFailure(cause);
		return this;
	}

	@Override
	public boolean setUncancellable() {
		return true;
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		return false;
	}

	@Override
	public ChannelPromise addListener(GenericFutureListener<? extends Future<? super Void>> listener) {
		throw new IllegalStateException("The send queue is reused by every send: it takes no listener");
	}

	@Override
	@SafeVarargs
	public final ChannelPromise addListeners(GenericFutureListener<? extends Future<? super Void>>... listeners) {
		throw new IllegalStateException("The send queue is reused by every send: it takes no listener");
	}

	@Override
	public String toString() {
		return "SendQueue[queued=" + this.queued + ", cap=" + this.cap + "]";
	}

	/**
	 * Sits just above a packet encoder: gives the encoder Netty's void promise for a counted send and tells
	 * the wire end which buffer is the payload. A send whose payload never reaches the wire (an
	 * encoder that failed or copied it) is given back at once.
	 */
	static final class PayloadMarker extends ChannelOutboundHandlerAdapter {

		private final SendQueue queue;

		private final ChannelHandler encoder;

		// The encoder's context: a whole packet is written from there, past the encoder.
		private ChannelHandlerContext encoderContext;

		PayloadMarker(SendQueue queue, ChannelHandler encoder) {
			this.queue = queue;
			this.encoder = encoder;
		}

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			this.encoderContext = ctx.pipeline().context(this.encoder);
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
			SendQueue queue = this.queue;
			if (promise == queue.framed && promise != null && this.encoderContext != null) {
				// Its header is written already: the encoder must not add another.
				this.encoderContext.write(msg, promise);
				return;
			}
			if (promise != queue || !(msg instanceof ByteBuf)) {
				ctx.write(msg, promise);
				return;
			}
			ByteBuf payload = (ByteBuf) msg;
			int size = payload.readableBytes();
			queue.encodingPayload = payload;
			queue.payloadReachedTheWire = false;
			try {
				ctx.write(payload, ctx.voidPromise());
			}
			finally {
				queue.encodingPayload = null;
				if (!queue.payloadReachedTheWire) {
					queue.giveBack(size);
				}
			}
		}

	}

	/**
	 * The promise of the whole packets of one session: completes the queue's entries like the queue itself, in
	 * the same order, and tells the {@link PayloadMarker} that the packet has its header already.
	 */
	static final class Framed extends DefaultChannelPromise {

		private final SendQueue queue;

		Framed(SendQueue queue) {
			super(queue.channel());
			this.queue = queue;
		}

		@Override
		public boolean trySuccess(Void result) {
			return this.queue.trySuccess(result);
		}

		@Override
		public ChannelPromise setSuccess(Void result) {
			this.queue.trySuccess(result);
			return this;
		}

		@Override
		public boolean tryFailure(Throwable cause) {
			return this.queue.tryFailure(cause);
		}

		@Override
		public ChannelPromise setFailure(Throwable cause) {
			this.queue.tryFailure(cause);
			return this;
		}

		@Override
		public boolean setUncancellable() {
			return true;
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			return false;
		}

		@Override
		public ChannelPromise addListener(GenericFutureListener<? extends Future<? super Void>> listener) {
			throw new IllegalStateException("The send queue is reused by every send: it takes no listener");
		}

		@Override
		@SafeVarargs
		public final ChannelPromise addListeners(GenericFutureListener<? extends Future<? super Void>>... listeners) {
			throw new IllegalStateException("The send queue is reused by every send: it takes no listener");
		}

	}

}
