package dev.servercore.core;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.ChannelBindException;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/**
 * The server: a listening socket on the event loops, whose accepted connections become sessions.
 *
 * <p>Start binds the listener; stop closes the listener, then the sessions
 * ({@link CloseReason#SERVER_SHUTDOWN}), then the loops. {@link #drain(Duration)} comes before stop for a
 * restart that loses nothing: it closes the listener, tells the handler, and gives the sessions time to
 * finish before closing the rest. A failed accept or a broken connection never stops
 * the server: accepting pauses for a second on an accept error (out of file descriptors included, on every
 * transport: {@link AcceptPause}), and a session's failure closes that session only.
 *
 * <pre>
 * EventLoops loops = EventLoops.create(Transport.AUTO, 4, "servercore-io");
 * SessionRegistry registry = new SessionRegistry();
 * SessionPipeline pipeline = new SessionPipeline(registry, new EchoHandler(), ServerMetrics.NONE, SessionSettings.DEFAULTS);
 * ServerCore server = new ServerCore(ServerCore.tcpServer("0.0.0.0", 7000, loops, pipeline, null), registry, loops);
 * server.start();
 * </pre>
 */
public final class ServerCore {

	/** How long start and each stop step may take. */
	public static final Duration DEFAULT_LIFECYCLE_TIMEOUT = Duration.ofSeconds(10);

	/** How long a drain waits for sessions to end on their own by default. */
	public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(20);

	/**
	 * Default reads one session gets in one turn of its event loop, each of up to 64 KiB (Netty's default is 16,
	 * so 1 MiB): a session streaming data as fast as it can then delays the others on its loop by at most
	 * 256 KiB of copying, not 1 MiB.
	 */
	public static final int DEFAULT_MAX_MESSAGES_PER_READ = 4;

	/**
	 * Default kernel send buffer of every session (SO_SNDBUF, bytes): without a bound the kernel grows it up to
	 * {@code net.ipv4.tcp_wmem}'s maximum (4 MiB) for a client that does not read, outside every servercore limit.
	 */
	public static final int DEFAULT_SOCKET_SEND_BUFFER = 64 * 1024;

	/**
	 * Default kernel receive buffer of every session (SO_RCVBUF, bytes): bounds what a client sent that is not
	 * read yet, and is also the TCP window (64 KiB cost 40% of a 16 KiB stream's throughput on loopback).
	 */
	public static final int DEFAULT_SOCKET_RECEIVE_BUFFER = 256 * 1024;

	private static final Logger logger = LoggerFactory.getLogger(ServerCore.class);

	private final TcpServer tcpServer;

	private final SessionRegistry registry;

	private final EventLoops loops;

	private final Duration lifecycleTimeout;

	private volatile DisposableServer server;

	private volatile InetSocketAddress boundAddress;

	private volatile boolean draining;

	/**
	 * Creates a server; nothing is bound until {@link #start()}.
	 * @param tcpServer the configured Reactor Netty server (see {@link #tcpServer})
	 * @param registry the registry its sessions go to
	 * @param loops the event loops it runs on
	 */
	public ServerCore(TcpServer tcpServer, SessionRegistry registry, EventLoops loops) {
		this(tcpServer, registry, loops, DEFAULT_LIFECYCLE_TIMEOUT);
	}

	/**
	 * Creates a server; nothing is bound until {@link #start()}.
	 * @param tcpServer the configured Reactor Netty server (see {@link #tcpServer})
	 * @param registry the registry its sessions go to
	 * @param loops the event loops it runs on
	 * @param lifecycleTimeout how long start and each stop step may take
	 */
	public ServerCore(TcpServer tcpServer, SessionRegistry registry, EventLoops loops, Duration lifecycleTimeout) {
		this.tcpServer = Objects.requireNonNull(tcpServer, "tcpServer");
		this.registry = Objects.requireNonNull(registry, "registry");
		this.loops = Objects.requireNonNull(loops, "loops");
		this.lifecycleTimeout = Objects.requireNonNull(lifecycleTimeout, "lifecycleTimeout");
	}

	/**
	 * Configures a Reactor Netty {@link TcpServer} for servercore: bound address, event loops, the session
	 * pipeline on every accepted channel, and the socket options of a long-lived game connection, with bounded
	 * kernel buffers ({@link #DEFAULT_SOCKET_SEND_BUFFER}, {@link #DEFAULT_SOCKET_RECEIVE_BUFFER}) and reads per
	 * turn ({@link #DEFAULT_MAX_MESSAGES_PER_READ}). Change one with {@code childOption} on the result; a
	 * {@code null} value leaves that option to Netty and the kernel.
	 * @param host the address to bind, {@code null} or empty for all interfaces
	 * @param port the port to bind, 0 for an ephemeral one
	 * @param loops the event loops
	 * @param pipeline the per-channel pipeline
	 * @param waterMark the send buffer water marks (Netty's default when {@code null})
	 * @return the configured server, not yet bound
	 */
	public static TcpServer tcpServer(String host, int port, EventLoops loops, SessionPipeline pipeline,
			WriteBufferWaterMark waterMark) {
		TcpServer server = TcpServer.create()
			.port(port)
			.runOn(loops)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childOption(ChannelOption.SO_KEEPALIVE, true)
			// A peer that sends its last request and shuts down its output still gets the answer; without
			// this, io_uring drops writes still in flight when the read side ends.
			.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
			.childOption(ChannelOption.RCVBUF_ALLOCATOR, receiveAllocator(DEFAULT_MAX_MESSAGES_PER_READ))
			// What a client leaves unread or unsent in the kernel counts against no servercore limit.
			.childOption(ChannelOption.SO_SNDBUF, DEFAULT_SOCKET_SEND_BUFFER)
			.childOption(ChannelOption.SO_RCVBUF, DEFAULT_SOCKET_RECEIVE_BUFFER)
			.doOnChannelInit(pipeline)
			// Out of descriptors at accept: pause, log, count, on every transport.
			.doOnBound((bound) -> bound.channel().pipeline().addFirst(AcceptPause.NAME, new AcceptPause(pipeline.metrics())))
			// Sessions end when their channel closes, not when a publisher completes.
			.handle((inbound, outbound) -> Mono.never());
		if (host != null && !host.isEmpty()) {
			server = server.host(host);
		}
		if (waterMark != null) {
			server = server.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark);
		}
		return server;
	}

	/**
	 * The receive buffer allocator of every session: Netty's adaptive one (buffers sized to what the session
	 * sends, 64 B to 64 KiB), with at most {@code maxMessagesPerRead} reads per turn of the event loop. Set it with
	 * {@code childOption(ChannelOption.RCVBUF_ALLOCATOR, ...)} on the {@link TcpServer}.
	 * @param maxMessagesPerRead reads one session gets per turn, at least 1
	 * @return the allocator
	 */
	public static RecvByteBufAllocator receiveAllocator(int maxMessagesPerRead) {
		if (maxMessagesPerRead < 1) {
			throw new IllegalArgumentException("maxMessagesPerRead must be at least 1, not " + maxMessagesPerRead);
		}
		return new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(maxMessagesPerRead);
	}

	/**
	 * Binds the listener. After {@link #stopAccepting()} or {@link #drain(Duration)} it binds again (a new
	 * ephemeral port if the port is 0), as long as the event loops run.
	 * @throws PortInUseException if the port is already in use
	 * @throws IllegalStateException if the server cannot bind for another reason
	 */
	public synchronized void start() {
		DisposableServer current = this.server;
		if (current != null && !current.isDisposed()) {
			return;
		}
		this.draining = false;
		try {
			this.server = this.tcpServer.bindNow(this.lifecycleTimeout);
		}
		catch (ChannelBindException ex) {
			if (isAddressInUse(ex)) {
				throw new PortInUseException(ex.localPort(), ex);
			}
			throw new IllegalStateException("servercore cannot listen on " + ex.localHost() + ":" + ex.localPort()
					+ ": " + ex.getCause(), ex);
		}
		this.boundAddress = (InetSocketAddress) this.server.address();
		logger.debug("servercore listening on {} ({} transport, {} workers)", this.boundAddress,
				this.loops.transport().displayName(), this.loops.workers());
	}

	/**
	 * Closes the listener: new connections are refused, open sessions go on. Waits at most the lifecycle
	 * timeout; never throws: a listener whose event loop is stalled or dead is logged and left closing.
	 * Idempotent.
	 */
	public void stopAccepting() {
		stopAccepting(this.lifecycleTimeout);
	}

	private void stopAccepting(Duration wait) {
		DisposableServer listener = this.server;
		if (listener == null || listener.isDisposed()) {
			return;
		}
		listener.dispose();
		if (wait.isZero()) {
			return;
		}
		try {
			listener.onDispose().block(wait);
			logger.debug("servercore stopped accepting on {}", this.boundAddress);
		}
		catch (IllegalStateException ex) {
			// Reactor's timeout: the listener's event loop did not run the close in time.
			logger.warn("servercore listener on {} not closed after {} ms: its event loop is stalled or dead",
					this.boundAddress, wait.toMillis());
		}
	}

	/**
	 * Closes every open session and waits, at most the lifecycle timeout, for them to leave the registry.
	 * @param reason the close reason
	 * @return {@code true} if every session closed in time
	 */
	public boolean closeSessions(CloseReason reason) {
		return closeSessions(reason, this.lifecycleTimeout);
	}

	private boolean closeSessions(CloseReason reason, Duration wait) {
		List<CompletableFuture<CloseReason>> closing = new ArrayList<>();
		int stranded = 0;
		for (Session session : this.registry.snapshot()) {
			if (isStranded(session)) {
				stranded++;
				continue;
			}
			try {
				session.close(reason);
				closing.add(session.closeFuture().toCompletableFuture());
			}
			catch (RejectedExecutionException ex) {
				stranded++;
			}
		}
		if (stranded > 0) {
			logger.warn("servercore: {} sessions are on an event loop that has ended and cannot be closed", stranded);
		}
		if (awaitAll(closing, wait.toNanos())) {
			return true;
		}
		logger.warn("servercore: {} sessions still open after {} ms", this.registry.size() - stranded, wait.toMillis());
		return false;
	}

	// A session whose event loop has ended (a dead loop) can neither close nor be waited for.
	private static boolean isStranded(Session session) {
		return session.eventLoop().isShuttingDown();
	}

	/**
	 * Drains the server before a shutdown, in this order: the listener closes (new connections are refused,
	 * open sessions go on); every open session's handler is told ({@link SessionHandler#onDrain(Session)},
	 * on the session's loop); the sessions get up to {@code timeout} to end; the ones still open are closed
	 * with {@link CloseReason#SERVER_SHUTDOWN}, which first flushes what was sent to them. Everything a
	 * session received before the drain is therefore answered before it closes. Logs one line with the
	 * drain's length. Session listeners (rooms) are told first ({@link SessionListener#onDrain()}).
	 *
	 * <p>Blocks the calling thread for up to {@code timeout} plus the lifecycle timeout: never call it on an
	 * event loop. The event loops keep running: {@link #start()} can bind again, {@link #stop()} stops them.
	 * @param timeout how long the sessions may take to end on their own; zero closes them at once
	 * @return what the drain did
	 */
	public DrainResult drain(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout");
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be negative, was: " + timeout);
		}
		long start = System.nanoTime();
		long deadline = start + timeout.toNanos();
		this.draining = true;
		// Waiting for the listener counts against the drain timeout (a wedged loop does not make the drain longer);
		// a drain without one still waits for the listener, within the lifecycle timeout.
		boolean shorter = !timeout.isZero() && timeout.compareTo(this.lifecycleTimeout) < 0;
		stopAccepting(shorter ? timeout : this.lifecycleTimeout);
		// Listeners (rooms) first, while every member is still connected.
		awaitAll(List.of(this.registry.drainStarted()), this.lifecycleTimeout.toNanos());
		Set<Long> told = new HashSet<>();
		// Each pass tells the sessions not yet told (one accepted just before the listener closed may register
		// late) and waits for the open ones to end, until none is left or the time is up.
		while (true) {
			List<Session> open = this.registry.snapshot().stream().filter((session) -> !isStranded(session)).toList();
			if (open.isEmpty()) {
				break;
			}
			List<CompletableFuture<CloseReason>> closed = new ArrayList<>(open.size());
			for (Session session : open) {
				if (told.add(session.id())) {
					tellDraining(session);
				}
				closed.add(session.closed());
			}
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0 || !awaitAll(closed, remaining)) {
				break;
			}
		}
		// Sessions registered after the last pass are told too, so every session closed here was told first and
		// leftOnTheirOwn cannot go negative. Sessions stranded on a dead loop can be neither told nor closed.
		List<Session> remaining = this.registry.snapshot().stream().filter((session) -> !isStranded(session)).toList();
		for (Session session : remaining) {
			if (told.add(session.id())) {
				tellDraining(session);
			}
		}
		int closedByServer = remaining.size();
		if (closedByServer > 0) {
			closeSessions(CloseReason.SERVER_SHUTDOWN);
		}
		DrainResult result = new DrainResult(told.size(), closedByServer, Duration.ofNanos(System.nanoTime() - start));
		logger.info("servercore drained in {} ms: {}", result.duration().toMillis(), describe(result, timeout));
		return result;
	}

	/**
	 * Returns whether a drain has begun; it stays {@code true} until the next {@link #start()}.
	 * @return {@code true} once {@link #drain(Duration)} was called
	 */
	public boolean isDraining() {
		return this.draining;
	}

	/**
	 * Stops the server: the listener, then the sessions ({@link CloseReason#SERVER_SHUTDOWN}), then the
	 * event loops, each step within the lifecycle timeout. Never throws: a step that does not finish in time
	 * (a stalled or dead event loop) is logged and the next one runs. Idempotent.
	 */
	public synchronized void stop() {
		long deadline = System.nanoTime() + this.lifecycleTimeout.toNanos();
		stopAccepting(remaining(deadline));
		if (this.registry.size() > 0) {
			closeSessions(CloseReason.SERVER_SHUTDOWN, remaining(deadline));
		}
		try {
			this.loops.disposeLater().block(remaining(deadline));
		}
		catch (IllegalStateException ex) {
			logger.warn("servercore event loops not stopped within the {} ms lifecycle timeout: a loop is stalled",
					this.lifecycleTimeout.toMillis());
		}
	}

	private static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
	}

	/**
	 * Returns whether the listener is bound.
	 * @return {@code true} between start and stop
	 */
	public boolean isListening() {
		DisposableServer listener = this.server;
		return listener != null && !listener.isDisposed();
	}

	/**
	 * Returns the bound address.
	 * @return the address, or {@code null} before start
	 */
	public InetSocketAddress address() {
		return this.boundAddress;
	}

	/**
	 * Returns the bound port.
	 * @return the port, or -1 before start
	 */
	public int port() {
		InetSocketAddress address = this.boundAddress;
		return (address != null) ? address.getPort() : -1;
	}

	/**
	 * Returns the session registry.
	 * @return the registry
	 */
	public SessionRegistry registry() {
		return this.registry;
	}

	/**
	 * Returns the event loops.
	 * @return the loops
	 */
	public EventLoops loops() {
		return this.loops;
	}

	// For example "2 sessions, 1 ended on their own, 1 closed with SERVER_SHUTDOWN after the 500 ms drain
	// timeout", "1 session, 1 ended on their own" or "no sessions".
	static String describe(DrainResult result, Duration timeout) {
		if (result.sessions() == 0) {
			return "no sessions";
		}
		StringBuilder text = new StringBuilder();
		text.append(result.sessions()).append((result.sessions() == 1) ? " session, " : " sessions, ");
		text.append(result.leftOnTheirOwn()).append(" ended on their own");
		if (result.closedByServer() > 0) {
			text.append(", ").append(result.closedByServer()).append(" closed with ").append(CloseReason.SERVER_SHUTDOWN);
			text.append(timeout.isZero() ? " at once (no drain timeout)"
					: " after the " + timeout.toMillis() + " ms drain timeout");
		}
		return text.toString();
	}

	private static void tellDraining(Session session) {
		try {
			// Runs on the session's loop, through the pipeline, like every other handler callback.
			session.channel().pipeline().fireUserEventTriggered(DrainEvent.INSTANCE);
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Session {} not told to drain: its loop is shut down", session.id());
		}
	}

	private static boolean awaitAll(List<? extends CompletableFuture<?>> futures, long nanos) {
		try {
			CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(nanos, TimeUnit.NANOSECONDS);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException | TimeoutException ex) {
			return false;
		}
	}

	private static boolean isAddressInUse(ChannelBindException ex) {
		for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
			if (cause instanceof BindException) {
				return true;
			}
			String message = cause.getMessage();
			if (message != null && message.contains("in use")) {
				return true;
			}
		}
		return false;
	}

}
