package dev.servercore.bench.attack;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.servercore.core.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.HdrHistogram.Histogram;

/**
 * The hostile client: opens {@code --connections} connections at {@code --rate}, lets each misbehave as its
 * {@link AttackMode} says, reconnects on demand, and counts what the server did (accepted, closed, reset,
 * answered). Unlike the load client it does not count a server close as its own error: the suite judges.
 *
 * <pre>
 * AttackSummary summary = new AttackClient(AttackOptions.parse("--mode", "reset", "--connections", "200")).run();
 * </pre>
 */
public final class AttackClient {

	/** Thread-name prefix of the client's event loops. */
	public static final String THREAD_NAME_PREFIX = "attack-io";

	// A reconnect waits this long, so that a server refusing at once is not hammered in a busy loop.
	private static final long RECONNECT_DELAY_MILLIS = 20;

	private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

	// Connect failures printed with their cause; the rest are only counted.
	private static final int ERRORS_PRINTED = 3;

	final AttackOptions options;

	// The message every connection of a hold or poison run sends (shared, read only; released after the run).
	final ByteBuf message;

	private final ByteBuf messageBuffer;

	final byte[] messageBytes;

	final AtomicLong attempted = new AtomicLong();

	final AtomicLong connected = new AtomicLong();

	final AtomicLong connectFailures = new AtomicLong();

	final AtomicLong closedByServer = new AtomicLong();

	final AtomicLong resetByServer = new AtomicLong();

	final AtomicLong echoed = new AtomicLong();

	final AtomicLong mismatches = new AtomicLong();

	final AtomicLong bytesSent = new AtomicLong();

	final AtomicLong bytesReceived = new AtomicLong();

	final AtomicLong answered = new AtomicLong();

	final AtomicLong unanswered = new AtomicLong();

	final AtomicLong poisonClosed = new AtomicLong();

	final AtomicLong resetsSent = new AtomicLong();

	// Epoch milliseconds at which each unanswered pipelined message was sent.
	final Queue<Long> unansweredSendTimes = new ConcurrentLinkedQueue<>();

	private final AtomicInteger live = new AtomicInteger();

	// First-round connects completed (either way), and when the last of them did.
	private final AtomicInteger settled = new AtomicInteger();

	private volatile long allSettledNanos;

	private final AtomicInteger open = new AtomicInteger();

	private final Histogram closeAfterMillis = new Histogram(3);

	private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

	private Bootstrap bootstrap;

	private InetSocketAddress remote;

	private long endNanos;

	private volatile boolean stopping;

	/**
	 * Creates a client.
	 * @param options what to do
	 */
	public AttackClient(AttackOptions options) {
		this.options = Objects.requireNonNull(options, "options");
		this.messageBytes = buildMessage(options);
		this.messageBuffer = Unpooled.directBuffer(Math.max(1, this.messageBytes.length)).writeBytes(this.messageBytes);
		this.message = Unpooled.unreleasableBuffer(this.messageBuffer);
	}

	// Header (the announced length, or --header-value as it is), then a payload pattern; raw: the payload only.
	private static byte[] buildMessage(AttackOptions options) {
		int header = options.format.headerBytes();
		int payload = (options.mode == AttackMode.HOLD || options.mode == AttackMode.POISON) ? options.announce
				: options.size;
		ByteBuf buf = Unpooled.buffer(header + payload);
		if (options.headerValue != null) {
			long value = options.headerValue;
			for (int i = header - 1; i >= 0; i--) {
				buf.writeByte((int) (value >>> (8 * i)));
			}
		}
		else {
			options.format.writeHeader(buf, payload);
		}
		for (int i = 0; i < payload; i++) {
			buf.writeByte('a' + (i % 26));
		}
		byte[] bytes = new byte[buf.readableBytes()];
		buf.readBytes(bytes);
		return bytes;
	}

	/**
	 * Runs until {@code --duration} has passed, or earlier once every connection is closed and none will
	 * reconnect.
	 * @return what happened
	 */
	public AttackSummary run() {
		EventLoops loops = EventLoops.create(this.options.transport, this.options.threads, THREAD_NAME_PREFIX);
		int openAtEnd;
		long start = System.nanoTime();
		try {
			this.bootstrap = new Bootstrap().group(loops.group())
				.channel(loops.onChannelClass(SocketChannel.class, loops.group()))
				.option(ChannelOption.TCP_NODELAY, true)
				.option(ChannelOption.AUTO_READ, this.options.mode != AttackMode.NO_READ)
				.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) this.options.connectTimeout.toMillis());
			if (this.options.sendBuffer > 0) {
				this.bootstrap.option(ChannelOption.SO_SNDBUF, this.options.sendBuffer);
			}
			this.remote = new InetSocketAddress(this.options.host, this.options.port);
			// The run's time counts from here: a slow start of the client's own loops does not shorten it.
			start = System.nanoTime();
			this.endNanos = start + this.options.duration.toNanos();
			if (this.options.until > 0) {
				long untilNanos = start + (this.options.until - System.currentTimeMillis()) * 1_000_000;
				this.endNanos = (untilNanos - this.endNanos < 0) ? untilNanos : this.endNanos;
			}
			Semaphore pending = new Semaphore(this.options.maxPendingConnects);
			int rounds = (this.options.mode == AttackMode.RESET) ? this.options.rounds : 1;
			for (int round = 0; round < rounds && !timeUp(); round++) {
				long roundStart = System.nanoTime();
				for (int i = 0; i < this.options.connections && !timeUp(); i++) {
					if (this.options.rate > 0) {
						parkUntil(roundStart + (long) (i * 1e9 / this.options.rate));
					}
					if (!acquire(pending)) {
						break;
					}
					connect(i, pending);
				}
				if (this.options.mode == AttackMode.RESET) {
					awaitNoneLive();
				}
			}
			if (this.options.reconnect) {
				parkUntil(this.endNanos);
			}
			else {
				awaitNoneLive();
			}
			openAtEnd = this.open.get();
			this.stopping = true;
			this.channels.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis());
		}
		finally {
			this.stopping = true;
			loops.disposeLater(Duration.ZERO, SHUTDOWN_TIMEOUT).block(SHUTDOWN_TIMEOUT.multipliedBy(2));
			this.messageBuffer.release();
		}
		double openSeconds = (this.allSettledNanos != 0) ? (this.allSettledNanos - start) / 1e9 : -1;
		return summary(openAtEnd, (System.nanoTime() - start) / 1e9, openSeconds);
	}

	private boolean acquire(Semaphore pending) {
		try {
			while (!timeUp()) {
				if (pending.tryAcquire(100, TimeUnit.MILLISECONDS)) {
					return true;
				}
			}
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void connect(int id, Semaphore pending) {
		this.attempted.incrementAndGet();
		this.live.incrementAndGet();
		AttackConnection connection = newConnection(id);
		Bootstrap one = this.bootstrap.clone().handler(connection);
		ChannelFuture future = this.options.bind.isEmpty() ? one.connect(this.remote)
				: one.connect(this.remote, new InetSocketAddress(this.options.bind.get(id % this.options.bind.size()), 0));
		this.channels.add(future.channel());
		future.addListener((ChannelFuture done) -> {
			if (pending != null) {
				pending.release();
				if (this.settled.incrementAndGet() == this.options.connections) {
					this.allSettledNanos = System.nanoTime();
				}
			}
			if (!done.isSuccess()) {
				if (this.connectFailures.incrementAndGet() <= ERRORS_PRINTED) {
					System.out.println("attack: connect failed: " + done.cause());
				}
				this.live.decrementAndGet();
				maybeReconnect(id, done);
			}
		});
	}

	private void maybeReconnect(int id, ChannelFuture done) {
		if (this.options.reconnect && !this.stopping && !timeUp()) {
			done.channel().eventLoop().schedule(() -> {
				if (!this.stopping && !timeUp()) {
					connect(id, null);
				}
			}, RECONNECT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
		}
	}

	private AttackConnection newConnection(int id) {
		return switch (this.options.mode) {
			case HOLD -> new HoldConnection(this, id);
			case NO_READ -> new NoReadConnection(this, id);
			case RANDOM -> new RandomConnection(this, id);
			case RESET -> new ResetConnection(this, id);
			case PIPELINE -> new PipelineConnection(this, id);
			case POISON -> new PoisonConnection(this, id);
		};
	}

	// Called by connections on their loops.

	boolean isStopping() {
		return this.stopping;
	}

	void opened() {
		this.connected.incrementAndGet();
		this.open.incrementAndGet();
	}

	void closed(AttackConnection connection, boolean byUs, boolean reset, long openMillis) {
		this.open.decrementAndGet();
		if (!byUs && !this.stopping) {
			this.closedByServer.incrementAndGet();
			if (reset) {
				this.resetByServer.incrementAndGet();
			}
			synchronized (this.closeAfterMillis) {
				this.closeAfterMillis.recordValue(Math.max(0, openMillis));
			}
		}
		this.live.decrementAndGet();
		if (!byUs || this.options.mode != AttackMode.RESET) {
			maybeReconnect(connection.id(), connection.channel().newSucceededFuture());
		}
	}

	private void awaitNoneLive() {
		while (this.live.get() > 0 && !timeUp()) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		}
	}

	private boolean timeUp() {
		return System.nanoTime() - this.endNanos >= 0;
	}

	private static void parkUntil(long deadline) {
		long wait;
		while ((wait = deadline - System.nanoTime()) > 0) {
			LockSupport.parkNanos(wait);
		}
	}

	private AttackSummary summary(int openAtEnd, double seconds, double openSeconds) {
		long beforeDrain = 0;
		if (this.options.drainMarker != null) {
			long marker = readMarker();
			for (Long sentAt : this.unansweredSendTimes) {
				if (sentAt < marker) {
					beforeDrain++;
				}
			}
		}
		Histogram closes;
		synchronized (this.closeAfterMillis) {
			closes = this.closeAfterMillis.copy();
		}
		return new AttackSummary().put("mode", this.options.mode.displayName())
			.put("attempted", this.attempted.get())
			.put("connected", this.connected.get())
			.put("connect_failures", this.connectFailures.get())
			.put("closed_by_server", this.closedByServer.get())
			.put("reset_by_server", this.resetByServer.get())
			.put("open_at_end", openAtEnd)
			.put("echoed", this.echoed.get())
			.put("mismatches", this.mismatches.get())
			.put("answered", this.answered.get())
			.put("unanswered", this.unanswered.get())
			.put("unanswered_before_drain", beforeDrain)
			.put("poison_closed", this.poisonClosed.get())
			.put("resets_sent", this.resetsSent.get())
			.put("bytes_sent", this.bytesSent.get())
			.put("bytes_received", this.bytesReceived.get())
			.put("close_after_p50_ms", (closes.getTotalCount() > 0) ? closes.getValueAtPercentile(50) : -1)
			.put("close_after_max_ms", (closes.getTotalCount() > 0) ? closes.getMaxValue() : -1)
			.put("open_s", Math.round(openSeconds * 1000) / 1000.0)
			.put("seconds", Math.round(seconds * 10) / 10.0);
	}

	// The drain marker holds the epoch milliseconds at which the suite sent SIGTERM; without one, every
	// unanswered message counts.
	private long readMarker() {
		try {
			return Long.parseLong(Files.readString(this.options.drainMarker).trim());
		}
		catch (Exception ex) {
			return Long.MAX_VALUE;
		}
	}

}
