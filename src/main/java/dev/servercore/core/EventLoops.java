package dev.servercore.core;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * The completion port and its worker threads: one group of event loops on one {@link Transport}.
 *
 * <p>Each loop is a thread that waits for I/O completions (or readiness) and runs the handlers of the
 * sessions bound to it, like the article's {@code WorkerThreadMain} around {@code GetQueuedCompletionStatus}.
 * A session stays on one loop for its whole life, so its reads, writes and posted tasks never run
 * concurrently. The acceptor shares the group, as Reactor Netty's default does.
 *
 * <pre>
 * EventLoops loops = EventLoops.create(Transport.AUTO, 4, "servercore-io");
 * TcpServer.create().runOn(loops);
 * </pre>
 */
public final class EventLoops implements LoopResources {

	/** Default worker count: one loop per available processor. */
	public static final int DEFAULT_WORKERS = Runtime.getRuntime().availableProcessors();

	/** Default thread-name prefix. */
	public static final String DEFAULT_THREAD_NAME_PREFIX = "servercore-io";

	private static final Logger logger = LoggerFactory.getLogger(EventLoops.class);

	private final Transport transport;

	private final int workers;

	private final MultiThreadIoEventLoopGroup group;

	// Set once disposal was asked for: a loop that ends before that died (see LoopProbe).
	private volatile boolean stopping;

	private EventLoops(Transport transport, int workers, String threadNamePrefix, IoHandlerFactory ioHandlerFactory) {
		this.transport = transport;
		this.workers = workers;
		this.group = new MultiThreadIoEventLoopGroup(workers, new LoopThreadFactory(threadNamePrefix),
				ioHandlerFactory);
	}

	/**
	 * Creates the event loops.
	 * @param transport the requested transport; {@code AUTO} takes the best available
	 * @param workers the number of loops (threads), strictly positive
	 * @param threadNamePrefix the prefix of the loop thread names ({@code prefix-0}, {@code prefix-1}, ...)
	 * @return the started loops
	 * @throws IllegalStateException if an explicitly requested transport is unavailable
	 */
	public static EventLoops create(Transport transport, int workers, String threadNamePrefix) {
		return create(transport, workers, threadNamePrefix, IoUringSettings.DEFAULTS);
	}

	/**
	 * Creates the event loops, with the io_uring settings used when the transport is io_uring.
	 * @param transport the requested transport; {@code AUTO} takes the best available
	 * @param workers the number of loops (threads), strictly positive
	 * @param threadNamePrefix the prefix of the loop thread names ({@code prefix-0}, {@code prefix-1}, ...)
	 * @param ioUring the io_uring queue sizes
	 * @return the started loops
	 * @throws IllegalStateException if an explicitly requested transport is unavailable
	 */
	public static EventLoops create(Transport transport, int workers, String threadNamePrefix,
			IoUringSettings ioUring) {
		return create(transport, workers, threadNamePrefix, ioUring, UnaryOperator.identity());
	}

	// Tests wrap the transport's I/O handler, for example to end a loop's thread on purpose.
	static EventLoops create(Transport transport, int workers, String threadNamePrefix, IoUringSettings ioUring,
			UnaryOperator<IoHandlerFactory> decorator) {
		Objects.requireNonNull(transport, "transport");
		Objects.requireNonNull(threadNamePrefix, "threadNamePrefix");
		if (workers <= 0) {
			throw new IllegalArgumentException("Must provide a strictly positive worker count, was: " + workers);
		}
		Objects.requireNonNull(ioUring, "ioUring");
		Transport resolved = transport.resolve();
		if (resolved == Transport.IO_URING && Transport.isIoUringMultishotEnabled()) {
			logger.warn("io_uring runs with multishot polls or accepts ({} or {} true, or Netty's io_uring classes "
					+ "loaded before servercore's Transport): a reset arriving with a client's last bytes may go unseen "
					+ "until the idle timeout, and a pause at the open-file limit keeps a core busy",
					Transport.POLL_ADD_MULTISHOT, Transport.ACCEPT_MULTISHOT);
		}
		EventLoops loops = new EventLoops(resolved, workers, threadNamePrefix,
				decorator.apply(resolved.ioHandlerFactory(ioUring)));
		logger.debug("Event loops: transport {} (requested {}), {} workers", resolved.displayName(),
				transport.displayName(), workers);
		return loops;
	}

	/**
	 * Returns the transport in use.
	 * @return the concrete transport, never {@code AUTO}
	 */
	public Transport transport() {
		return this.transport;
	}

	/**
	 * Returns the number of loops.
	 * @return the worker count
	 */
	public int workers() {
		return this.workers;
	}

	/**
	 * Returns the underlying Netty group, for example to post a task to every loop.
	 * @return the event loop group
	 */
	public EventLoopGroup group() {
		return this.group;
	}

	@Override
	public EventLoopGroup onServer(boolean useNative) {
		return this.group;
	}

	@Override
	public EventLoopGroup onClient(boolean useNative) {
		return this.group;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <CHANNEL extends Channel> CHANNEL onChannel(Class<CHANNEL> channelType, EventLoopGroup group) {
		try {
			return onChannelClass(channelType, group).getDeclaredConstructor().newInstance();
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot create a " + channelType.getSimpleName(), ex);
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public <CHANNEL extends Channel> Class<? extends CHANNEL> onChannelClass(Class<CHANNEL> channelType,
			EventLoopGroup group) {
		if (channelType.equals(ServerSocketChannel.class)) {
			return (Class<? extends CHANNEL>) this.transport.serverChannelClass();
		}
		if (channelType.equals(SocketChannel.class)) {
			return (Class<? extends CHANNEL>) this.transport.channelClass();
		}
		throw new IllegalArgumentException("Unsupported channel type: " + channelType.getSimpleName());
	}

	@Override
	public boolean daemon() {
		return false;
	}

	/**
	 * Returns whether disposal was asked for: from then on, loops end on purpose.
	 * @return {@code true} once {@link #dispose()} or {@link #disposeLater()} was called
	 */
	public boolean isStopping() {
		return this.stopping;
	}

	@Override
	public boolean isDisposed() {
		return this.group.isShuttingDown();
	}

	@Override
	public void dispose() {
		disposeLater().subscribe();
	}

	@Override
	public Mono<Void> disposeLater() {
		return disposeLater(Duration.ZERO, Duration.ofSeconds(5));
	}

	@Override
	public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
		return Mono.defer(() -> {
			this.stopping = true;
			this.group.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(), TimeUnit.MILLISECONDS);
			return Mono.<Void>create((sink) -> this.group.terminationFuture().addListener((future) -> sink.success()));
		});
	}

	/**
	 * Names loop threads {@code prefix-index}; non-daemon so that the loops keep the process alive.
	 * {@link FastThreadLocalThread} keeps Netty's thread-local caches fast.
	 */
	private static final class LoopThreadFactory implements ThreadFactory {

		private final String prefix;

		private final AtomicInteger next = new AtomicInteger();

		LoopThreadFactory(String prefix) {
			this.prefix = prefix;
		}

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new FastThreadLocalThread(task, this.prefix + "-" + this.next.getAndIncrement());
			thread.setDaemon(false);
			return thread;
		}

	}

}
