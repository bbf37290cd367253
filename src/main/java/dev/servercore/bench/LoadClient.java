package dev.servercore.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.servercore.core.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.HdrHistogram.Histogram;

/**
 * The load client (the dummy client of IOCP servers): opens the connections on its own event loops, drives
 * them in one {@link BenchMode}, prints a progress line every second and returns a {@link BenchSummary}.
 * It never starts a server.
 *
 * <pre>
 * BenchSummary summary = new LoadClient(BenchOptions.parse("--port", "7000", "--duration", "5s"), System.out).run();
 * </pre>
 */
public final class LoadClient {

	/** Thread-name prefix of the client's event loops. */
	public static final String THREAD_NAME_PREFIX = "bench-io";

	// How long closing the connections and stopping the loops may take at the end.
	private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

	// First connection errors kept for the summary.
	private static final int ERRORS_KEPT = 5;

	private final BenchOptions options;

	private final PrintStream out;

	private final AtomicLong errors = new AtomicLong();

	private final Queue<String> firstErrors = new ConcurrentLinkedQueue<>();

	private final AtomicInteger open = new AtomicInteger();

	private final List<LoadConnection> connections = new ArrayList<>();

	private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

	private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "bench-progress");
		thread.setDaemon(true);
		return thread;
	});

	private ScheduledFuture<?> ticks;

	private Map<EventExecutor, LoopStats> stats = Map.of();

	private CountDownLatch settled;

	private volatile boolean stopping;

	private volatile Phase phase = Phase.CONNECTING;

	// Guarded by this: what the reporting thread and the main thread read from the loops.
	private final Histogram phaseLatency = new Histogram(3);

	private long phaseStartNanos;

	private long phaseStartMessages;

	private long phaseStartBytes;

	private long phaseServerCpuTicks = -1;

	private long phaseClientCpuNanos = -1;

	private long lastTickNanos;

	private long lastTickMessages;

	private long lastTickBytes;

	// Whether the current phase has printed a progress line.
	private boolean linePrinted;

	/**
	 * Creates a client.
	 * @param options what to do
	 * @param out where progress lines go
	 */
	public LoadClient(BenchOptions options, PrintStream out) {
		this.options = Objects.requireNonNull(options, "options");
		this.out = Objects.requireNonNull(out, "out");
	}

	/**
	 * Runs the load and waits for the end.
	 * @return the results
	 */
	public BenchSummary run() {
		EventLoops loops = EventLoops.create(this.options.transport(), this.options.threads(), THREAD_NAME_PREFIX);
		try {
			Map<EventExecutor, LoopStats> byLoop = new IdentityHashMap<>();
			for (EventExecutor loop : loops.group()) {
				byLoop.put(loop, new LoopStats());
			}
			this.stats = byLoop;
			// Loads the management classes now rather than at the start of the measured phase.
			clientCpuNanos();
			return (this.options.mode() == BenchMode.CONNECT) ? runConnect(loops) : runMessages(loops);
		}
		finally {
			this.stopping = true;
			this.ticker.shutdownNow();
			long closeStart = System.nanoTime();
			int closing = this.channels.size();
			int leftOpen = closeGracefully();
			if (this.options.mode() == BenchMode.CONNECT) {
				// How long the server takes to close every held session once its clients have half-closed.
				this.out.printf("closed %d sessions in %.3f s (%d still open after %s, closed by the client)%n", closing,
						(System.nanoTime() - closeStart) / 1e9, leftOpen, format(SHUTDOWN_TIMEOUT));
				this.out.flush();
			}
			loops.disposeLater(Duration.ZERO, SHUTDOWN_TIMEOUT).block(SHUTDOWN_TIMEOUT.multipliedBy(2));
		}
	}

	// Half-closes every connection and waits for the server to close it: a plain close while echoes are still
	// arriving makes the kernel reset the connection, and the server would count RESET instead of PEER_CLOSED.
	// Returns how many the server had not closed within the wait.
	private int closeGracefully() {
		for (LoadConnection connection : this.connections) {
			if (connection.channel() != null) {
				connection.channel().eventLoop().execute(connection::finish);
			}
		}
		this.channels.newCloseFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis());
		int leftOpen = this.channels.size();
		this.channels.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis());
		return leftOpen;
	}

	private BenchSummary runMessages(EventLoops loops) {
		long connectStart = System.nanoTime();
		openAll(loops, false);
		awaitSettled();
		double openSeconds = (System.nanoTime() - connectStart) / 1e9;
		if (this.open.get() == 0) {
			return summary(loops, 0, 0, 0, openSeconds, -1, -1);
		}
		startPhase(this.options.warmup().isZero() ? Phase.MEASURE : Phase.WARMUP);
		for (LoadConnection connection : this.connections) {
			connection.channel().eventLoop().execute(connection::start);
		}
		if (!this.options.warmup().isZero()) {
			parkFor(this.options.warmup());
			startPhase(Phase.MEASURE);
		}
		parkFor(this.options.duration());
		return finish(loops, openSeconds);
	}

	private BenchSummary runConnect(EventLoops loops) {
		startPhase(Phase.OPENING);
		long start = System.nanoTime();
		openAll(loops, true);
		awaitSettled();
		double openSeconds = (System.nanoTime() - start) / 1e9;
		int held = this.open.get();
		this.phase = Phase.HOLDING;
		// A fixed line that scripts wait for before measuring the server.
		this.out.printf("holding %d sessions for %s%n", held, format(this.options.duration()));
		this.out.flush();
		parkFor(this.options.duration());
		return finish(loops, openSeconds);
	}

	// Takes the counters, the time and the CPU readings together, then stops counting errors.
	private synchronized BenchSummary finish(EventLoops loops, double openSeconds) {
		long serverCpuStart = this.phaseServerCpuTicks;
		long clientCpuStart = this.phaseClientCpuNanos;
		collect();
		long[] totals = consistentTotals();
		long messages = totals[0];
		long bytes = totals[1];
		long now = System.nanoTime();
		long serverCpuEnd = serverCpuTicks();
		long clientCpuEnd = clientCpuNanos();
		endPhaseProgress();
		this.stopping = true;
		double serverCpu = (serverCpuStart >= 0 && serverCpuEnd >= 0) ? (serverCpuEnd - serverCpuStart) / 100.0 : -1;
		double clientCpu = (clientCpuStart >= 0 && clientCpuEnd >= 0) ? (clientCpuEnd - clientCpuStart) / 1e9 : -1;
		double seconds = openSeconds;
		if (this.options.mode() != BenchMode.CONNECT) {
			messages -= this.phaseStartMessages;
			bytes -= this.phaseStartBytes;
			seconds = (now - this.phaseStartNanos) / 1e9;
		}
		return summary(loops, messages, bytes, seconds, openSeconds, serverCpu, clientCpu);
	}

	private synchronized BenchSummary summary(EventLoops loops, long messages, long bytes, double seconds,
			double openSeconds, double serverCpu, double clientCpu) {
		long mismatches = 0;
		for (LoopStats loop : this.stats.values()) {
			mismatches += loop.mismatches();
		}
		return new BenchSummary(this.options, loops.transport(), seconds, messages, bytes, mismatches,
				this.errors.get(), List.copyOf(this.firstErrors), this.phaseLatency.copy(), this.connections.size(),
				this.open.get(), openSeconds, serverCpu, clientCpu);
	}

	private void openAll(EventLoops loops, boolean paced) {
		int count = this.options.connections();
		this.settled = new CountDownLatch(count);
		Bootstrap bootstrap = new Bootstrap().group(loops.group())
			.channel(loops.onChannelClass(SocketChannel.class, loops.group()))
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) this.options.connectTimeout().toMillis());
		InetSocketAddress remote = new InetSocketAddress(this.options.host(), this.options.port());
		List<InetAddress> bind = this.options.bind();
		Semaphore pending = new Semaphore(this.options.maxPendingConnects());
		SslContext tls = this.options.tls() ? ClientTls.context(this.options) : null;
		long start = System.nanoTime();
		double rate = paced ? this.options.rate() : 0;
		for (int i = 0; i < count; i++) {
			long intended = (rate > 0) ? start + (long) (i * 1e9 / rate) : System.nanoTime();
			if (rate > 0) {
				parkUntil(intended);
			}
			try {
				if (!pending.tryAcquire(this.options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
					connectionError("connect " + i + ": no connect completed within " + this.options.connectTimeout());
					this.settled.countDown();
					continue;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while connecting", ex);
			}
			LoadConnection connection = new LoadConnection(this, this.options, i, intended);
			this.connections.add(connection);
			Bootstrap one = bootstrap.clone().handler((tls != null) ? withTls(tls, remote, connection) : connection);
			ChannelFuture future = bind.isEmpty() ? one.connect(remote)
					: one.connect(remote, new InetSocketAddress(bind.get(i % bind.size()), 0));
			connection.channel(future.channel());
			this.channels.add(future.channel());
			int index = i;
			future.addListener((ChannelFuture done) -> {
				pending.release();
				if (!done.isSuccess()) {
					connectionError("connect " + index + ": " + done.cause());
					this.settled.countDown();
				}
			});
		}
	}

	// The TLS handler goes below the connection, nearest the socket; the connection's sends wait for the handshake.
	private static ChannelInitializer<Channel> withTls(SslContext tls, InetSocketAddress remote,
			LoadConnection connection) {
		return new ChannelInitializer<>() {

			@Override
			protected void initChannel(Channel channel) {
				channel.pipeline()
					.addLast(tls.newHandler(channel.alloc(), remote.getHostString(), remote.getPort()), connection);
			}

		};
	}

	private void awaitSettled() {
		try {
			if (!this.settled.await(this.options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
				connectionError(this.settled.getCount() + " connections still opening after "
						+ format(this.options.connectTimeout()));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while connecting", ex);
		}
	}

	// Called by connections, on their loops.

	LoopStats statsFor(EventLoop loop) {
		LoopStats loopStats = this.stats.get(loop);
		if (loopStats == null) {
			throw new IllegalStateException("Not a client loop: " + loop);
		}
		return loopStats;
	}

	int connectionCount() {
		return this.options.connections();
	}

	boolean isStopping() {
		return this.stopping;
	}

	void connectionSettled(boolean isOpen) {
		if (isOpen) {
			this.open.incrementAndGet();
		}
		this.settled.countDown();
	}

	void connectionClosed() {
		this.open.decrementAndGet();
	}

	void connectionError(String message) {
		this.errors.incrementAndGet();
		if (this.firstErrors.size() < ERRORS_KEPT) {
			this.firstErrors.add(message);
		}
	}

	// Measurement phases and progress, on the main and reporting threads.

	private synchronized void startPhase(Phase next) {
		endPhaseProgress();
		collect();
		// Progress lines every second from the start of each phase.
		if (this.ticks != null) {
			this.ticks.cancel(false);
		}
		if (this.options.progress()) {
			this.ticks = this.ticker.scheduleAtFixedRate(this::progress, 1, 1, TimeUnit.SECONDS);
		}
		this.phase = next;
		this.phaseLatency.reset();
		this.phaseStartNanos = System.nanoTime();
		long[] totals = consistentTotals();
		this.phaseStartMessages = totals[0];
		this.phaseStartBytes = totals[1];
		this.phaseServerCpuTicks = serverCpuTicks();
		this.phaseClientCpuNanos = clientCpuNanos();
		this.lastTickNanos = this.phaseStartNanos;
		this.linePrinted = false;
		this.lastTickMessages = this.phaseStartMessages;
		this.lastTickBytes = this.phaseStartBytes;
	}

	private synchronized void collect() {
		for (LoopStats loop : this.stats.values()) {
			loop.drainLatency(this.phaseLatency);
		}
	}

	// The line for the rest of the ending phase: every phase prints at least one, however short (a warm-up
	// under a second would print none otherwise), and the last part of a phase is not left out.
	private synchronized void endPhaseProgress() {
		if (this.ticks == null || this.stopping || this.phase == Phase.CONNECTING) {
			return;
		}
		long sinceLastLine = System.nanoTime() - this.lastTickNanos;
		if (!this.linePrinted || sinceLastLine >= TimeUnit.MILLISECONDS.toNanos(100)) {
			progress();
		}
	}

	private synchronized void progress() {
		if (this.stopping || this.phase == Phase.CONNECTING) {
			return;
		}
		this.linePrinted = true;
		collect();
		long now = System.nanoTime();
		long messages = totalMessages();
		long bytes = totalBytes();
		double seconds = Math.max(1e-9, (now - this.lastTickNanos) / 1e9);
		long mismatches = 0;
		for (LoopStats loop : this.stats.values()) {
			mismatches += loop.mismatches();
		}
		String elapsed = String.format("[%6.1fs]", (now - this.phaseStartNanos) / 1e9);
		if (this.options.mode() == BenchMode.CONNECT) {
			this.out.printf("%s %-8s %,9d open  %,9.0f opened/s  open p99 %s us  errors %d, mismatches %d%n", elapsed,
					this.phase.label, this.open.get(), (messages - this.lastTickMessages) / seconds,
					BenchSummary.micros(this.phaseLatency.getValueAtPercentile(99)), this.errors.get(), mismatches);
		}
		else {
			this.out.printf("%s %-8s %,11.0f msgs/s %,9.1f MB/s  p99 %s us  errors %d, mismatches %d%n", elapsed,
					this.phase.label, (messages - this.lastTickMessages) / seconds,
					(bytes - this.lastTickBytes) / seconds / 1e6,
					BenchSummary.micros(this.phaseLatency.getValueAtPercentile(99)), this.errors.get(), mismatches);
		}
		this.out.flush();
		this.lastTickNanos = now;
		this.lastTickMessages = messages;
		this.lastTickBytes = bytes;
	}

	// Messages and bytes read together on each loop, between two of its completions, so that the two agree
	// (for fixed-size messages, bytes = messages x size). For the start and end of a measured phase only.
	private long[] consistentTotals() {
		long[] totals = new long[2];
		for (Map.Entry<EventExecutor, LoopStats> entry : this.stats.entrySet()) {
			LoopStats loop = entry.getValue();
			long[] counts;
			try {
				counts = entry.getKey().submit(() -> new long[] { loop.messages(), loop.bytes() }).get(5, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				// A loop that cannot answer (shut down): its last published values.
				counts = new long[] { loop.messages(), loop.bytes() };
			}
			totals[0] += counts[0];
			totals[1] += counts[1];
		}
		return totals;
	}

	private long totalMessages() {
		long total = 0;
		for (LoopStats loop : this.stats.values()) {
			total += loop.messages();
		}
		return total;
	}

	private long totalBytes() {
		long total = 0;
		for (LoopStats loop : this.stats.values()) {
			total += loop.bytes();
		}
		return total;
	}

	private long serverCpuTicks() {
		long pid = this.options.serverPid();
		if (pid <= 0) {
			return -1;
		}
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			// Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
		catch (Exception ex) {
			return -1;
		}
	}

	private static long clientCpuNanos() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			return os.getProcessCpuTime();
		}
		return -1;
	}

	private static void parkFor(Duration duration) {
		parkUntil(System.nanoTime() + duration.toNanos());
	}

	private static void parkUntil(long deadlineNanos) {
		for (long left = deadlineNanos - System.nanoTime(); left > 0; left = deadlineNanos - System.nanoTime()) {
			LockSupport.parkNanos(left);
		}
	}

	static String format(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	/**
	 * Where the run is: opening connections, warming up, measuring; in connect mode, opening and holding.
	 */
	private enum Phase {

		CONNECTING("connect"), WARMUP("warmup"), MEASURE("measure"), OPENING("opening"), HOLDING("holding");

		private final String label;

		Phase(String label) {
			this.label = label;
		}

	}

}
