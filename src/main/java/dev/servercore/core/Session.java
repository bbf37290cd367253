package dev.servercore.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, bound to its channel: the article's completion key ({@code Session*}).
 *
 * <p>A session lives on one event loop. Its counters are written only by that loop and may be read from
 * any thread (they are monitoring values and may lag by a read). {@link #send(ByteBuf)},
 * {@link #post(Runnable)} and {@link #close(CloseReason)} are safe from any thread.
 */
public final class Session {

	private static final Logger logger = LoggerFactory.getLogger(Session.class);

	private static final VarHandle BYTES_RECEIVED;

	private static final VarHandle READS_RECEIVED;

	private static final VarHandle PACKETS_RECEIVED;

	private static final VarHandle LAST_RECEIVE_NANOS;

	private static final VarHandle BYTES_SENT;

	private static final VarHandle CLOSE_REASON;

	private static final VarHandle BYTES_BUFFERED;

	private static final VarHandle CLOSE_STAGE;

	private static final VarHandle ATTRIBUTES;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			BYTES_RECEIVED = lookup.findVarHandle(Session.class, "bytesReceived", long.class);
			READS_RECEIVED = lookup.findVarHandle(Session.class, "readsReceived", long.class);
			PACKETS_RECEIVED = lookup.findVarHandle(Session.class, "packetsReceived", long.class);
			LAST_RECEIVE_NANOS = lookup.findVarHandle(Session.class, "lastReceiveNanos", long.class);
			BYTES_SENT = lookup.findVarHandle(Session.class, "bytesSent", long.class);
			CLOSE_REASON = lookup.findVarHandle(Session.class, "closeReason", CloseReason.class);
			BYTES_BUFFERED = lookup.findVarHandle(Session.class, "bytesBuffered", long.class);
			CLOSE_STAGE = lookup.findVarHandle(Session.class, "closeStage", CompletionStage.class);
			ATTRIBUTES = lookup.findVarHandle(Session.class, "attributes", SessionAttributes.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final long id;

	private final Channel channel;

	private final long openedAtMillis;

	// Counts the payload queued for this session against the cap and the server's memory budget.
	private final SendQueue sendQueue;

	private final long closeFlushTimeoutMillis;

	// The largest payload a packet may carry with length-prefixed framing; 0 with raw framing.
	private final int maxPacketSize;

	// The context nearest the socket, below any packet encoder; set before the channel is registered.
	private ChannelHandlerContext wireContext;

	private final CompletableFuture<CloseReason> closeFuture = new CompletableFuture<>();

	// Made on first use (most sessions of an echo server never have attributes); a shared cleared instance once
	// the session has closed without any.
	private volatile SessionAttributes attributes;

	// One read-only view for every caller: a new one per call would keep a dependent per call until the close.
	// Made on the first call (64 bytes a session that nobody asks).
	private volatile CompletionStage<CloseReason> closeStage;

	// Written on the session's loop only, with opaque stores: no fence on the read path.
	private long bytesReceived;

	private long readsReceived;

	private long packetsReceived;

	// System.nanoTime() of the last read batch: the clock the idle check reads too; 0 before the first.
	private long lastReceiveNanos;

	private long bytesSent;

	// Bytes of an unfinished packet held by the decoder, measured after each read batch (PacketAssembly).
	private long bytesBuffered;

	// Set on the loop while the memory budget keeps this session from being read.
	private volatile boolean readingPaused;

	// The buffer being handed to onReceive and its reference count as the core left it (event loop only): a
	// send of it with that count holds no reference of the handler's own, so it borrows one.
	private ByteBuf receiving;

	private int receivingRefCnt;

	private volatile CloseReason closeReason;

	// Set on the loop before the session enters the registry, so every reader sees it.
	private String peerSubject;

	Session(long id, Channel channel, long sendQueueCap, long closeFlushTimeoutMillis, int maxPacketSize,
			MemoryBudget budget, int lengthFieldBytes) {
		this.id = id;
		this.channel = channel;
		// Read once here: the channel keeps both from now on, also after it closed.
		channel.remoteAddress();
		channel.localAddress();
		this.openedAtMillis = System.currentTimeMillis();
		this.sendQueue = new SendQueue(channel, sendQueueCap, budget, lengthFieldBytes);
		this.closeFlushTimeoutMillis = closeFlushTimeoutMillis;
		this.maxPacketSize = maxPacketSize;
	}

	/**
	 * Returns the session's id: unique and increasing for the life of the registry.
	 * @return the id
	 */
	public long id() {
		return this.id;
	}

	/**
	 * Returns the peer's address.
	 * @return the remote address
	 */
	public InetSocketAddress remoteAddress() {
		return (InetSocketAddress) this.channel.remoteAddress();
	}

	/**
	 * Returns the server address this session was accepted on.
	 * @return the local address
	 */
	public InetSocketAddress localAddress() {
		return (InetSocketAddress) this.channel.localAddress();
	}

	/**
	 * Returns the subject of the client certificate the TLS handshake verified, in RFC 2253 form (for example
	 * {@code CN=player-1,O=Example Game}); see {@code servercore.ssl.client-auth}.
	 * @return the peer certificate's subject, or {@code null} without TLS or when the client sent no certificate
	 */
	public String peerSubject() {
		return this.peerSubject;
	}

	void peerSubject(String subject) {
		this.peerSubject = subject;
	}

	/**
	 * Returns when the connection was accepted.
	 * @return the open time
	 */
	public Instant openedAt() {
		return Instant.ofEpochMilli(this.openedAtMillis);
	}

	/**
	 * Returns the bytes received, packet headers included.
	 * @return the bytes received so far
	 */
	public long bytesReceived() {
		return (long) BYTES_RECEIVED.getOpaque(this);
	}

	/**
	 * Returns the number of receive completions (reads from the socket).
	 * @return the reads so far
	 */
	public long readsReceived() {
		return (long) READS_RECEIVED.getOpaque(this);
	}

	/**
	 * Returns the number of whole packets handed to the handler; equal to the reads with raw framing.
	 * @return the packets so far
	 */
	public long packetsReceived() {
		return (long) PACKETS_RECEIVED.getOpaque(this);
	}

	/**
	 * Returns the bytes handed to the transport for sending, packet headers included.
	 * @return the bytes sent so far
	 */
	public long bytesSent() {
		return (long) BYTES_SENT.getOpaque(this);
	}

	/**
	 * Returns when the last bytes were received.
	 * @return the last receive time, or {@code null} if nothing was received yet
	 */
	public Instant lastReceiveAt() {
		long nanos = (long) LAST_RECEIVE_NANOS.getOpaque(this);
		if (nanos == 0) {
			return null;
		}
		long agoMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
		return Instant.ofEpochMilli(System.currentTimeMillis() - agoMillis);
	}

	/**
	 * Returns the payload bytes waiting to be sent: sends not yet written to the socket in full (packet headers
	 * not included). Exact at any moment, from any thread; never above the send-queue cap.
	 * @return the bytes queued for sending
	 */
	public long bytesQueued() {
		return this.sendQueue.bytes();
	}

	/**
	 * Returns the bytes held for an unfinished packet (length-prefixed framing): the capacity of the decoder's
	 * buffer, measured after each read.
	 * @return the bytes buffered, 0 when no packet is partly received
	 */
	public long bytesBuffered() {
		return (long) BYTES_BUFFERED.getOpaque(this);
	}

	/**
	 * Returns whether the server has stopped reading from this session because the memory budget is past its
	 * soft mark and this session is among those holding the most.
	 * @return {@code true} while reading is paused
	 */
	public boolean isReadingPaused() {
		return this.readingPaused;
	}

	/**
	 * Returns why the session ended.
	 * @return the close reason, or {@code null} while the session is open
	 */
	public CloseReason closeReason() {
		return this.closeReason;
	}

	/**
	 * Returns whether the session is open: no close reason yet.
	 * @return {@code true} until the session is closed or closing
	 */
	public boolean isOpen() {
		return this.closeReason == null;
	}

	/**
	 * Returns a stage completed with the close reason once the session has left the registry and the
	 * handler's {@code onClose} has run.
	 * @return the close stage
	 */
	public CompletionStage<CloseReason> closeFuture() {
		CompletionStage<CloseReason> stage = this.closeStage;
		if (stage == null) {
			CLOSE_STAGE.compareAndSet(this, null, this.closeFuture.minimalCompletionStage());
			stage = this.closeStage;
		}
		return stage;
	}

	/**
	 * The close future itself, for the core's own waits: {@code toCompletableFuture()} on the public stage
	 * would add a dependent on every call.
	 */
	CompletableFuture<CloseReason> closed() {
		return this.closeFuture;
	}

	/**
	 * Returns the session's typed attributes: per-player state for game logic, readable from any thread,
	 * cleared with the session.
	 * @return the attributes
	 */
	public SessionAttributes attributes() {
		SessionAttributes attributes = this.attributes;
		if (attributes == null) {
			ATTRIBUTES.compareAndSet(this, null, new SessionAttributes());
			attributes = this.attributes;
		}
		return attributes;
	}

	/**
	 * Returns the event loop this session runs on.
	 * @return the session's loop
	 */
	public EventLoop eventLoop() {
		return this.channel.eventLoop();
	}

	/**
	 * Returns the underlying channel, for what this class does not cover. Writing to it directly bypasses
	 * the send-queue cap.
	 * @return the channel
	 */
	public Channel channel() {
		return this.channel;
	}

	/**
	 * Sends bytes to the peer, from any thread. Sends from one thread reach the peer in the order they
	 * were made; flushes are coalesced. With length-prefixed framing, {@code data} is one packet payload and
	 * its header is added here; with line framing it is one line and its newline is added here.
	 *
	 * <p>The session takes ownership of {@code data}: it is released once written, or at once if the session
	 * is closed. The one exception is the buffer {@code onReceive} is being handed, sent from that call without
	 * a {@code retain()} of the handler's: the core still owns it, so the send takes a reference of its own.
	 * If queuing {@code data} would take the payload waiting for this peer past the send-queue cap
	 * (checked atomically, whatever the number of sending threads), the peer is not reading: the data is
	 * released and the session closed with {@link CloseReason#SLOW_CONSUMER}, so a session never holds more
	 * than the cap. The same happens if the server's memory budget has no room left (see {@link MemoryBudget}).
	 * @param data the bytes to send; ownership passes to the session
	 * @return {@code true} if the data was queued, {@code false} if it was released because the session is
	 * closed or was just closed as a slow consumer
	 * @throws IllegalArgumentException if {@code data} alone is larger than the send-queue cap, or, with
	 * length-prefixed framing, than the maximum packet size (it is released)
	 */
	public boolean send(ByteBuf data) {
		Objects.requireNonNull(data, "data");
		boolean receiving = data == this.receiving && this.channel.eventLoop().inEventLoop();
		if (receiving && data.refCnt() == this.receivingRefCnt) {
			// The buffer onReceive was handed, sent without a reference of the handler's own: the core releases
			// it when onReceive returns, so the send borrows one.
			data.retain();
		}
		try {
			return sendOwned(data);
		}
		finally {
			if (receiving) {
				this.receivingRefCnt = data.refCnt();
			}
		}
	}

	private boolean sendOwned(ByteBuf data) {
		if (this.closeReason != null) {
			data.release();
			return false;
		}
		int size = data.readableBytes();
		try {
			checkSendSize(size);
		}
		catch (IllegalArgumentException ex) {
			data.release();
			throw ex;
		}
		if (!this.sendQueue.reserve(size) || !this.sendQueue.reserveInBudget(size)) {
			data.release();
			close(CloseReason.SLOW_CONSUMER);
			return false;
		}
		// The queue is the write's promise: it gives the bytes back once they are written or dropped.
		this.channel.writeAndFlush(data, this.sendQueue);
		return true;
	}

	/**
	 * Sends one whole packet, header included, from any thread: for a reply written straight into one buffer
	 * with {@link PacketFraming#beginPacket(ByteBuf, int)} and {@link PacketFraming#endPacket(ByteBuf, int)}
	 * (length-prefixed framing only), which saves the separate header buffer {@link #send(ByteBuf)} adds.
	 * Otherwise as {@link #send(ByteBuf)}: ownership passes to the session, order with other sends is kept, and
	 * the send-queue cap and memory budget count the packet without its length field.
	 * @param packet the packet, from its length field to its last payload byte; ownership passes to the session
	 * @return {@code true} if the packet was queued, {@code false} if it was released because the session is
	 * closed or was just closed as a slow consumer
	 * @throws IllegalStateException if the session's framing is not length-prefixed (the packet is released)
	 * @throws IllegalArgumentException as {@link #send(ByteBuf)}, for the packet without its length field
	 */
	public boolean sendPacket(ByteBuf packet) {
		Objects.requireNonNull(packet, "packet");
		if (this.maxPacketSize == 0) {
			packet.release();
			throw new IllegalStateException("Session " + this.id + ": sendPacket needs length-prefixed framing "
					+ "(servercore.framing=length-prefixed); use send");
		}
		if (this.closeReason != null) {
			packet.release();
			return false;
		}
		int size = this.sendQueue.packetPayload(packet.readableBytes());
		try {
			checkSendSize(size);
		}
		catch (IllegalArgumentException ex) {
			packet.release();
			throw ex;
		}
		if (!this.sendQueue.reserve(size) || !this.sendQueue.reserveInBudget(size)) {
			packet.release();
			close(CloseReason.SLOW_CONSUMER);
			return false;
		}
		this.channel.writeAndFlush(packet, this.sendQueue.framed());
		return true;
	}

	/**
	 * Marks {@code data} as the buffer being handed to {@code onReceive}, on the event loop.
	 */
	void beginReceive(ByteBuf data) {
		this.receiving = data;
		this.receivingRefCnt = data.refCnt();
	}

	/**
	 * Ends {@link #beginReceive(ByteBuf)}, before the core releases the buffer.
	 */
	void endReceive() {
		this.receiving = null;
	}

	/**
	 * Fails if a payload of {@code size} bytes can never be sent to this session: larger than one packet of
	 * its framing or than its send-queue cap.
	 */
	void checkSendSize(int size) {
		if (this.maxPacketSize > 0 && size > this.maxPacketSize) {
			throw new IllegalArgumentException("Session " + this.id + ": a packet of " + size
					+ " bytes exceeds the maximum packet size of " + this.maxPacketSize + " bytes");
		}
		long cap = this.sendQueue.cap();
		if (cap > 0 && size > cap) {
			throw new IllegalArgumentException("Session " + this.id + ": a send of " + size
					+ " bytes exceeds the send-queue cap of " + cap
					+ " bytes (servercore.send.queue-cap); split it or raise the cap");
		}
	}

	/**
	 * Sends a copy of {@code data}; see {@link #send(ByteBuf)}.
	 * @param data the bytes to send
	 * @return {@code true} if the data was queued
	 */
	public boolean send(byte[] data) {
		return send(Unpooled.wrappedBuffer(data.clone()));
	}

	/**
	 * Runs a task on this session's event loop, after the I/O and tasks already queued there, never at the
	 * same time as this session's handler callbacks: the article's {@code PostQueuedCompletionStatus}. If
	 * the task throws, the session is closed with {@link CloseReason#HANDLER_ERROR}.
	 * @param task the task
	 * @throws java.util.concurrent.RejectedExecutionException if the event loops are shut down
	 */
	public void post(Runnable task) {
		Objects.requireNonNull(task, "task");
		this.channel.eventLoop().execute(() -> {
			try {
				task.run();
			}
			catch (Throwable ex) {
				handlerFailed(ex);
			}
		});
	}

	/**
	 * Closes the session, from any thread. The first reason given is kept; later calls do nothing. Sends
	 * made before the call are flushed first when the reason allows it
	 * ({@link CloseReason#flushesBeforeClose()}), for at most the close flush timeout.
	 * @param reason why the session is closed
	 * @throws IllegalArgumentException for a reason only the server gives ({@link CloseReason#PEER_CLOSED},
	 * {@link CloseReason#RESET}, {@link CloseReason#REJECTED_LIMIT})
	 */
	public void close(CloseReason reason) {
		Objects.requireNonNull(reason, "reason");
		if (!reason.isForApplications()) {
			throw new IllegalArgumentException("Session " + this.id + ": " + reason
					+ " is a close reason only the server gives; use CLOSED_BY_APPLICATION, KICKED or another");
		}
		closeByCore(reason);
	}

	/**
	 * Closes the session with any reason, those only the core gives included; see {@link #close(CloseReason)}.
	 */
	void closeByCore(CloseReason reason) {
		if (!CLOSE_REASON.compareAndSet(this, null, reason)) {
			return;
		}
		logger.debug("Session {} closing: {}", this.id, reason);
		ChannelHandlerContext wire = this.wireContext;
		if (!reason.flushesBeforeClose() || wire == null || !this.channel.isActive()) {
			this.channel.close();
			return;
		}
		// An empty write below the packet encoder completes once everything sent before it is written.
		wire.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) Session::lingerAfterFlush);
		// A peer that never reads, or never closes its side, must not hold the session open.
		ScheduledFuture<?> deadline = this.channel.eventLoop()
			.schedule(() -> this.channel.close(), this.closeFlushTimeoutMillis, TimeUnit.MILLISECONDS);
		this.channel.closeFuture().addListener((future) -> deadline.cancel(false));
	}

	/**
	 * The lingering close, once everything sent before the close is in the kernel: shut down the output (FIN
	 * after the last byte), then keep reading and discarding until the peer's end of stream closes the channel
	 * ({@link SessionChannelHandler}) or the close flush deadline does. Closing at once with unread input
	 * would make the kernel answer with a reset and drop what it still had to send.
	 */
	private static void lingerAfterFlush(ChannelFuture flushed) {
		Channel channel = flushed.channel();
		if (!flushed.isSuccess() || !(channel instanceof DuplexChannel duplex) || duplex.isInputShutdown()) {
			channel.close();
			return;
		}
		SslHandler tls = channel.pipeline().get(SslHandler.class);
		if (tls != null) {
			// close_notify before the FIN: a TLS peer then reads a clean end rather than a truncation.
			tls.closeOutbound().addListener((ChannelFutureListener) (sent) -> shutdownOutput(duplex));
		}
		else {
			shutdownOutput(duplex);
		}
		// Reads during the linger are discarded at the wire (TransferCounter): the handler sees none.
		channel.config().setAutoRead(true);
	}

	private static void shutdownOutput(DuplexChannel duplex) {
		duplex.shutdownOutput().addListener((ChannelFutureListener) (shutdown) -> {
			if (!shutdown.isSuccess()) {
				duplex.close();
			}
		});
	}

	/**
	 * Records the reason unless one is already set, without closing; returns the reason in force.
	 */
	CloseReason markClosed(CloseReason reason) {
		CLOSE_REASON.compareAndSet(this, null, reason);
		return this.closeReason;
	}

	void handlerFailed(Throwable ex) {
		if (isOpen()) {
			logger.warn("Session {} handler failed; closing the session", this.id, ex);
			close(CloseReason.HANDLER_ERROR);
		}
	}

	SendQueue sendQueue() {
		return this.sendQueue;
	}

	long bytesHeld() {
		return bytesQueued() + bytesBuffered();
	}

	// Memory budget hooks: any thread, acted on the session's loop.

	boolean pauseReading() {
		if (!isOpen()) {
			return false;
		}
		this.channel.eventLoop().execute(() -> {
			if (isOpen() && !this.readingPaused) {
				this.readingPaused = true;
				this.channel.config().setAutoRead(false);
			}
		});
		return true;
	}

	void resumeReading() {
		this.channel.eventLoop().execute(() -> {
			if (this.readingPaused) {
				this.readingPaused = false;
				if (isOpen()) {
					this.channel.config().setAutoRead(true);
				}
			}
		});
	}

	void wireContext(ChannelHandlerContext context) {
		this.wireContext = context;
	}

	ChannelHandlerContext wireContext() {
		return this.wireContext;
	}

	void completeClose(CloseReason reason) {
		this.closeFuture.complete(reason);
		if (!ATTRIBUTES.compareAndSet(this, null, SessionAttributes.CLEARED)) {
			this.attributes.sessionClosed();
		}
	}

	// Receive and send counters: called on the session's loop only.

	void recordRead(int bytes) {
		BYTES_RECEIVED.setOpaque(this, this.bytesReceived + bytes);
		READS_RECEIVED.setOpaque(this, this.readsReceived + 1);
	}

	void recordReceiveTime(long nowNanos) {
		// 0 means "nothing received yet": a clock that reads exactly 0 is stamped 1 ns later.
		LAST_RECEIVE_NANOS.setOpaque(this, (nowNanos != 0) ? nowNanos : 1);
	}

	void recordPacket() {
		PACKETS_RECEIVED.setOpaque(this, this.packetsReceived + 1);
	}

	void recordBuffered(long bytes) {
		BYTES_BUFFERED.setOpaque(this, bytes);
	}

	void recordWrite(int bytes) {
		BYTES_SENT.setOpaque(this, this.bytesSent + bytes);
	}

	@Override
	public String toString() {
		return "Session[id=" + this.id + ", remote=" + remoteAddress() + "]";
	}

}
