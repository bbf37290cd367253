package dev.servercore.bench;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.servercore.core.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The load client's {@code fanout} mode, against servercore's chat: {@code N} clients join {@code M} rooms
 * ({@code c<i>} in room {@code r<i mod M>}), then say numbered, time-stamped lines ({@code "<seq> <nanos>"})
 * at a total rate, round robin. Every member receives every line said in its room, its own included; the
 * client measures the delivery latency of each (send to receipt, one clock: the client's own) and checks,
 * per receiver and sender, that no line is lost, duplicated or reordered.
 */
public final class FanoutClient {

	private static final String THREAD_NAME_PREFIX = "bench-fanout";

	// The longest line the client reads.
	private static final int MAX_LINE = 4096;

	private final BenchOptions options;

	private final PrintStream out;

	private final int clients;

	private final int rooms;

	private final Member[] members;

	// Lines said by each sender so far.
	private final AtomicLongArray said;

	private final Recorder latency = new Recorder(3);

	// Deliveries whose sender is connected to another server than the receiver (--ports with several ports).
	private final Recorder crossNodeLatency = new Recorder(3);

	private final AtomicLong deliveries = new AtomicLong();

	private final AtomicLong errors = new AtomicLong();

	private volatile long measureFrom = Long.MAX_VALUE;

	private volatile long measureTo = Long.MAX_VALUE;

	// Set before the client closes its connections: a close before that is the server's, and an error.
	private volatile boolean stopping;

	private CountDownLatch joined;

	/**
	 * Creates the client.
	 * @param options the options: connections, rooms, rate, warm-up, duration, threads, transport
	 * @param out where the progress goes
	 */
	public FanoutClient(BenchOptions options, PrintStream out) {
		this.options = options;
		this.out = out;
		this.clients = options.connections();
		this.rooms = options.rooms();
		this.members = new Member[this.clients];
		this.said = new AtomicLongArray(this.clients);
	}

	/**
	 * Connects, joins, says lines for the warm-up and the measured time, waits for the last deliveries, and
	 * returns the figures.
	 * @return the summary
	 */
	public Summary run() {
		EventLoops loops = EventLoops.create(this.options.transport(), this.options.threads(), THREAD_NAME_PREFIX);
		try {
			return run(loops);
		}
		finally {
			loops.disposeLater().block();
		}
	}

	private Summary run(EventLoops loops) {
		connectAndJoin(loops);
		double rate = (this.options.rate() > 0) ? this.options.rate() : this.clients;
		long start = System.nanoTime();
		this.measureFrom = start + this.options.warmup().toNanos();
		this.measureTo = this.measureFrom + this.options.duration().toNanos();
		Pacer pacer = new Pacer(rate, start);
		ScheduledFuture<?> pacing = loops.group().next().scheduleAtFixedRate(pacer, 0, 1, TimeUnit.MILLISECONDS);
		parkUntil(this.measureFrom);
		this.latency.reset();
		this.crossNodeLatency.reset();
		long deliveredAtStart = this.deliveries.get();
		parkUntil(this.measureTo);
		long deliveredAtEnd = this.deliveries.get();
		pacing.cancel(false);
		Histogram measured = this.latency.getIntervalHistogram();
		Histogram crossNode = this.crossNodeLatency.getIntervalHistogram();
		// The last lines said are still on their way (a saturated server has a backlog): wait while they keep
		// arriving, then count what is missing.
		long lastProgress = System.nanoTime();
		long seen = this.deliveries.get();
		long giveUp = lastProgress + TimeUnit.SECONDS.toNanos(60);
		while (missing() > 0 && System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(2)
				&& System.nanoTime() < giveUp) {
			parkUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50));
			long now = this.deliveries.get();
			if (now != seen) {
				seen = now;
				lastProgress = System.nanoTime();
			}
		}
		this.stopping = true;
		long late = 0;
		for (Member member : this.members) {
			late += member.late;
		}
		long saidTotal = 0;
		for (int i = 0; i < this.clients; i++) {
			saidTotal += this.said.get(i);
		}
		double seconds = this.options.duration().toNanos() / 1e9;
		for (Member member : this.members) {
			member.channel.close();
		}
		return new Summary(this.clients, this.rooms, rate, saidTotal, (deliveredAtEnd - deliveredAtStart) / seconds,
				measured, crossNode, missing(), late, this.errors.get());
	}

	private void connectAndJoin(EventLoops loops) {
		this.joined = new CountDownLatch(this.clients);
		Bootstrap bootstrap = new Bootstrap().group(loops.group())
			.channel(loops.onChannelClass(SocketChannel.class, loops.group()))
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) this.options.connectTimeout().toMillis());
		List<Integer> ports = this.options.ports();
		List<ChannelFuture> connects = new ArrayList<>();
		for (int i = 0; i < this.clients; i++) {
			InetSocketAddress remote = new InetSocketAddress(this.options.host(), ports.get(i % ports.size()));
			Member member = new Member(i, i % this.rooms);
			this.members[i] = member;
			connects.add(bootstrap.clone().handler(new ChannelInitializer<Channel>() {

				@Override
				protected void initChannel(Channel channel) {
					channel.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE), member);
				}

			}).connect(remote));
			if (connects.size() >= this.options.maxPendingConnects()) {
				connects.remove(0).syncUninterruptibly();
			}
		}
		connects.forEach(ChannelFuture::syncUninterruptibly);
		try {
			if (!this.joined.await(this.options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException(this.joined.getCount() + " clients did not join their room within "
						+ this.options.connectTimeout() + ": is the server running servercore.handler=chat with "
						+ "servercore.framing=line?");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		this.out.printf(Locale.ROOT, "fanout: %d clients joined %d rooms%n", this.clients, this.rooms);
	}

	/** Lines said but not yet received, over every receiver. */
	private long missing() {
		// Members count a line before they count the delivery: reading deliveries first makes their counts visible.
		this.deliveries.get();
		long missing = 0;
		for (Member member : this.members) {
			for (int sender = member.room; sender < this.clients; sender += this.rooms) {
				missing += Math.max(0, this.said.get(sender) - member.received[sender / this.rooms]);
			}
		}
		return missing;
	}

	private static void parkUntil(long deadline) {
		for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
			java.util.concurrent.locks.LockSupport.parkNanos(left);
		}
	}

	/** Says the lines due at the total rate, round robin over the clients. */
	private final class Pacer implements Runnable {

		private final double rate;

		private final long start;

		private long sent;

		private int next;

		Pacer(double rate, long start) {
			this.rate = rate;
			this.start = start;
		}

		@Override
		public void run() {
			long now = System.nanoTime();
			if (now >= FanoutClient.this.measureTo) {
				return;
			}
			long due = (long) ((now - this.start) / 1e9 * this.rate);
			for (; this.sent < due; this.sent++) {
				Member member = FanoutClient.this.members[this.next];
				this.next = (this.next + 1) % FanoutClient.this.clients;
				member.say();
			}
		}

	}

	/** One chat client: joins its room, says lines, and checks what it receives. */
	private final class Member extends ChannelInboundHandlerAdapter {

		private final int index;

		private final int room;

		// Per sender in this room (sender index / rooms): lines received, and the next sequence expected.
		private final long[] received;

		private final long[] nextSeq;

		private long late;

		private boolean inRoom;

		private Channel channel;

		Member(int index, int room) {
			this.index = index;
			this.room = room;
			int senders = (FanoutClient.this.clients - room + FanoutClient.this.rooms - 1) / FanoutClient.this.rooms;
			this.received = new long[senders];
			this.nextSeq = new long[senders];
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			this.channel = ctx.channel();
			ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(),
					"/nick c" + this.index + "\n/join r" + this.room + "\n"));
		}

		void say() {
			long seq = FanoutClient.this.said.getAndIncrement(this.index);
			this.channel.writeAndFlush(ByteBufUtil.writeAscii(this.channel.alloc(),
					seq + " " + System.nanoTime() + "\n"));
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ByteBuf line = (ByteBuf) msg;
			try {
				if (line.isReadable() && line.getByte(line.readerIndex()) == 'c') {
					said(line);
				}
				else if (!this.inRoom && line.toString(StandardCharsets.UTF_8)
					.startsWith("* c" + this.index + " joined r" + this.room + " ")) {
					this.inRoom = true;
					FanoutClient.this.joined.countDown();
				}
				else if (line.toString(StandardCharsets.UTF_8).startsWith("error:")) {
					FanoutClient.this.errors.incrementAndGet();
				}
			}
			finally {
				line.release();
			}
		}

		/** {@code c<sender>: <seq> <nanos>}, parsed without making strings. */
		private void said(ByteBuf line) {
			long now = System.nanoTime();
			int i = line.readerIndex() + 1;
			int end = line.writerIndex();
			long sender = 0;
			for (byte b; i < end && (b = line.getByte(i)) != ':'; i++) {
				sender = sender * 10 + (b - '0');
			}
			i += 2;
			long seq = 0;
			for (byte b; i < end && (b = line.getByte(i)) != ' '; i++) {
				seq = seq * 10 + (b - '0');
			}
			i++;
			long sentAt = 0;
			for (; i < end; i++) {
				sentAt = sentAt * 10 + (line.getByte(i) - '0');
			}
			int slot = (int) (sender / FanoutClient.this.rooms);
			this.received[slot]++;
			if (seq == this.nextSeq[slot]) {
				this.nextSeq[slot] = seq + 1;
			}
			else if (seq > this.nextSeq[slot]) {
				this.nextSeq[slot] = seq + 1;
			}
			else {
				this.late++;
			}
			FanoutClient.this.deliveries.incrementAndGet();
			if (sentAt >= FanoutClient.this.measureFrom && sentAt < FanoutClient.this.measureTo) {
				FanoutClient.this.latency.recordValue(Math.max(0, now - sentAt));
				int servers = FanoutClient.this.options.ports().size();
				if (servers > 1 && sender % servers != this.index % servers) {
					FanoutClient.this.crossNodeLatency.recordValue(Math.max(0, now - sentAt));
				}
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (!FanoutClient.this.stopping) {
				// Closed by the server, for example as a slow consumer: what it would have received is lost.
				FanoutClient.this.errors.incrementAndGet();
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			FanoutClient.this.errors.incrementAndGet();
			ctx.close();
		}

	}

	/**
	 * What a fanout run measured.
	 *
	 * @param clients the clients
	 * @param rooms the rooms they were spread over
	 * @param rate lines said per second, in all
	 * @param said lines said, warm-up included
	 * @param deliveredPerSecond lines received per second over all members, in the measured time
	 * @param latency delivery latency of the lines said in the measured time, in nanoseconds
	 * @param crossNodeLatency the same, for deliveries from a sender on another server (--ports), else empty
	 * @param lost lines said but never received by a member of the sender's room
	 * @param lateOrDuplicate lines received after a later line of the same sender (reordered) or twice
	 * @param errors error lines from the server, connection failures and connections the server closed
	 */
	public record Summary(int clients, int rooms, double rate, long said, double deliveredPerSecond, Histogram latency,
			Histogram crossNodeLatency, long lost, long lateOrDuplicate, long errors) {

		/**
		 * Prints the summary.
		 * @param out where to
		 */
		public void print(PrintStream out) {
			out.printf(Locale.ROOT, "fanout %d clients in %d rooms, %.0f lines/s said%n", this.clients, this.rooms,
					this.rate);
			out.printf(Locale.ROOT, "  delivered %.0f messages/s%n", this.deliveredPerSecond);
			out.printf(Locale.ROOT, "  latency   p50 %s  p99 %s  p99.9 %s  max %s  (%d deliveries measured)%n",
					micros(this.latency.getValueAtPercentile(50)), micros(this.latency.getValueAtPercentile(99)),
					micros(this.latency.getValueAtPercentile(99.9)), micros(this.latency.getMaxValue()),
					this.latency.getTotalCount());
			if (this.crossNodeLatency.getTotalCount() > 0) {
				out.printf(Locale.ROOT, "  cross-node p50 %s  p99 %s  p99.9 %s  max %s  (%d deliveries measured)%n",
						micros(this.crossNodeLatency.getValueAtPercentile(50)),
						micros(this.crossNodeLatency.getValueAtPercentile(99)),
						micros(this.crossNodeLatency.getValueAtPercentile(99.9)),
						micros(this.crossNodeLatency.getMaxValue()), this.crossNodeLatency.getTotalCount());
			}
			out.printf(Locale.ROOT, "  checks    %d said, %d lost, %d duplicated or reordered, %d errors%n", this.said,
					this.lost, this.lateOrDuplicate, this.errors);
		}

		/**
		 * Returns the exit status.
		 * @return 0 if nothing was lost, duplicated, reordered or failed and something was delivered
		 */
		public int exitStatus() {
			boolean ok = this.lost == 0 && this.lateOrDuplicate == 0 && this.errors == 0 && this.latency.getTotalCount() > 0;
			return ok ? 0 : 1;
		}

		private static String micros(long nanos) {
			return (nanos >= 10_000_000) ? String.format(Locale.ROOT, "%.1f ms", nanos / 1e6)
					: String.format(Locale.ROOT, "%d us", nanos / 1000);
		}

	}

}
