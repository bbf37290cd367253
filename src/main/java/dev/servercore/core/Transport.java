package dev.servercore.core;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/**
 * The I/O mechanism under the event loops: the JVM's counterpart of the completion port.
 *
 * <p>{@code IO_URING} is Linux's completion API and the closest match to IOCP; {@code EPOLL} and {@code NIO}
 * are readiness based. {@code AUTO} takes epoll where it works, else NIO: io_uring is opt-in, because
 * container runtimes' default seccomp profiles block it, and on this project's benchmarks it was not ahead of
 * epoll overall (docs/performance.md).
 *
 * <p>Loading this class turns two of Netty's io_uring multishot operations off, each unless the JVM sets it
 * already. Multishot POLLIN ({@value #POLL_ADD_MULTISHOT}) is edge-triggered: when a client's last bytes and its
 * reset arrive together, the read of the bytes uses the only wake-up and the reset is never seen (the session
 * would stay open until a timeout); a single-shot poll checks the socket when it is armed. Multishot accept
 * ({@value #ACCEPT_MULTISHOT}) stays armed while accepting is paused: out of descriptors, it completed with
 * "Too many open files" for every queued client again and again and kept a core busy for the whole pause.
 */
public enum Transport {

	/** Epoll where available, else NIO; io_uring only when asked for. */
	AUTO,

	/** Linux io_uring (completion based, like IOCP). */
	IO_URING,

	/** Linux epoll. */
	EPOLL,

	/** Java NIO selectors, available everywhere. */
	NIO;

	/** Netty's switch for io_uring's multishot POLLIN, read once when its io_uring classes load. */
	public static final String POLL_ADD_MULTISHOT = "io.netty.iouring.pollAddMultishotEnabled";

	/** Netty's switch for io_uring's multishot accept, read once when its io_uring classes load. */
	public static final String ACCEPT_MULTISHOT = "io.netty.iouring.acceptMultiShotEnabled";

	static {
		for (String property : new String[] { POLL_ADD_MULTISHOT, ACCEPT_MULTISHOT }) {
			if (System.getProperty(property) == null) {
				System.setProperty(property, "false");
			}
		}
	}

	/**
	 * Resolves {@code AUTO} to a concrete transport and checks that a concrete one is available.
	 * @return the transport to use, never {@code AUTO}
	 * @throws IllegalStateException if an explicitly requested transport is unavailable, with its cause
	 */
	public Transport resolve() {
		switch (this) {
			case AUTO:
				return isEpollAvailable() ? EPOLL : NIO;
			case IO_URING:
				if (!isIoUringAvailable()) {
					throw new IllegalStateException("Transport io_uring was requested but is unavailable here",
							ioUringCause());
				}
				return this;
			case EPOLL:
				if (!isEpollAvailable()) {
					throw new IllegalStateException("Transport epoll was requested but is unavailable here",
							epollCause());
				}
				return this;
			default:
				return this;
		}
	}

	/**
	 * Returns the name used in logs, health details and the {@code servercore.io.transport} setting.
	 * @return the transport's name, for example {@code io_uring}
	 */
	public String displayName() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

	IoHandlerFactory ioHandlerFactory(IoUringSettings ioUring) {
		switch (this) {
			case IO_URING:
				return IoUringIoHandler.newFactory(new IoUringIoHandlerConfig().setRingSize(ioUring.ringSize())
					.setCqSize(ioUring.completionQueueSize()));
			case EPOLL:
				return EpollIoHandler.newFactory();
			case NIO:
				return NioIoHandler.newFactory();
			default:
				throw new IllegalStateException("Resolve AUTO before use");
		}
	}

	Class<? extends ServerSocketChannel> serverChannelClass() {
		switch (this) {
			case IO_URING:
				return IoUringServerSocketChannel.class;
			case EPOLL:
				return EpollServerSocketChannel.class;
			case NIO:
				return NioServerSocketChannel.class;
			default:
				throw new IllegalStateException("Resolve AUTO before use");
		}
	}

	Class<? extends SocketChannel> channelClass() {
		switch (this) {
			case IO_URING:
				return IoUringSocketChannel.class;
			case EPOLL:
				return EpollSocketChannel.class;
			case NIO:
				return NioSocketChannel.class;
			default:
				throw new IllegalStateException("Resolve AUTO before use");
		}
	}

	// The native classes load only when their jar is present and this platform supports them.
	private static boolean isIoUringAvailable() {
		try {
			return IoUring.isAvailable();
		}
		catch (LinkageError ex) {
			return false;
		}
	}

	// Whether Netty's io_uring runs with a multishot operation servercore turns off (see the class comment); only
	// called once io_uring is available.
	static boolean isIoUringMultishotEnabled() {
		return IoUring.isPollAddMultishotEnabled() || IoUring.isAcceptMultishotEnabled();
	}

	private static Throwable ioUringCause() {
		try {
			return IoUring.unavailabilityCause();
		}
		catch (LinkageError ex) {
			return ex;
		}
	}

	private static boolean isEpollAvailable() {
		try {
			return Epoll.isAvailable();
		}
		catch (LinkageError ex) {
			return false;
		}
	}

	private static Throwable epollCause() {
		try {
			return Epoll.unavailabilityCause();
		}
		catch (LinkageError ex) {
			return ex;
		}
	}

}
