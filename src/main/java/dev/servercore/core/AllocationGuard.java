package dev.servercore.core;

import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The allocator of one session's channel: it turns an {@link OutOfMemoryError} raised while allocating a
 * buffer (direct memory exhausted) into a closed session instead of a dead event loop.
 *
 * <p>Netty's io_uring transport re-arms a read outside any {@code catch} of its own: an {@code Error} thrown
 * there ends the loop's thread, with every session on it and the listener if it shares the loop. This
 * allocator closes its session ({@link CloseReason#ERROR}, the loop's next task) and throws
 * {@link AllocationFailedException}, an ordinary exception that every transport contains. Any other
 * {@code Error} passes through untouched. One instance per channel, created at accept; allocation itself
 * costs one extra call.
 */
final class AllocationGuard implements ByteBufAllocator {

	private static final Logger logger = LoggerFactory.getLogger(AllocationGuard.class);

	private final ByteBufAllocator delegate;

	private final Session session;

	AllocationGuard(ByteBufAllocator delegate, Session session) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		this.session = Objects.requireNonNull(session, "session");
	}

	ByteBufAllocator delegate() {
		return this.delegate;
	}

	private AllocationFailedException failed(OutOfMemoryError error) {
		if (this.session.isOpen()) {
			logger.warn("Session {}: buffer allocation failed ({}); closing the session with {}", this.session.id(),
					error.getMessage(), CloseReason.ERROR);
			// Not from inside the transport's read or write path: on the loop, once this call has unwound.
			this.session.channel().eventLoop().execute(() -> this.session.close(CloseReason.ERROR));
		}
		return new AllocationFailedException(error);
	}

	@Override
	public ByteBuf buffer() {
		try {
			return this.delegate.buffer();
		}
		catch (OutOfMemoryError error) {
			throw failed(error);
		}
	}

	@Override
	public ByteBuf buffer(int initialCapacity) {
		try {
			return this.delegate.buffer(initialCapacity);
		}
		catch (OutOfMemoryError error) {
			throw failed(error);
		}
	}

	@Override
	public ByteBuf buffer(int initialCapacity, int maxCapacity) {
		try {
			return this.delegate.buffer(initialCapacity, maxCapacity);
		}
		catch (OutOfMemoryError error) {
			throw failed(error);
		}
	}

	@Override
	public ByteBuf ioBuffer() {
		try {
			return this.delegate.ioBuffer();
		}
		catch (OutOfMemoryError error) {
			throw failed(error);
		}
	}

	@Override
	public ByteBuf ioBuffer(int initialCapacity) {
		try {
			return this.delegate.ioBuffer(initialCapacity);
		}
		catch (OutOfMemoryError error) {
			throw failed(error);
		}
	}

	@Override
	public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
		try {
			return this.delegate.ioBuffer(initialCapacity, maxCapacity);
		}
		catch (OutOfMemoryError error) {
			throw failed(error);
		}
	}

	@Override
	public ByteBuf heapBuffer() {
		return this.delegate.heapBuffer();
	}

	@Override
	public ByteBuf heapBuffer(int initialCapacity) {
		return this.delegate.heapBuffer(initialCapacity);
	}

	@Override
	public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) {
		return this.delegate.heapBuffer(initialCapacity, maxCapacity);
	}

	@Override
	public ByteBuf directBuffer() {
		try {
			return this.delegate.directBuffer();
		}
		catch (OutOfMemoryError error) {
			throw failed(error);
		}
	}

	@Override
	public ByteBuf directBuffer(int initialCapacity) {
		try {
			return this.delegate.directBuffer(initialCapacity);
		}
		catch (OutOfMemoryError error) {
			throw failed(error);
		}
	}

	@Override
	public ByteBuf directBuffer(int initialCapacity, int maxCapacity) {
		try {
			return this.delegate.directBuffer(initialCapacity, maxCapacity);
		}
		catch (OutOfMemoryError error) {
			throw failed(error);
		}
	}

	@Override
	public CompositeByteBuf compositeBuffer() {
		return this.delegate.compositeBuffer();
	}

	@Override
	public CompositeByteBuf compositeBuffer(int maxNumComponents) {
		return this.delegate.compositeBuffer(maxNumComponents);
	}

	@Override
	public CompositeByteBuf compositeHeapBuffer() {
		return this.delegate.compositeHeapBuffer();
	}

	@Override
	public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
		return this.delegate.compositeHeapBuffer(maxNumComponents);
	}

	@Override
	public CompositeByteBuf compositeDirectBuffer() {
		return this.delegate.compositeDirectBuffer();
	}

	@Override
	public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
		return this.delegate.compositeDirectBuffer(maxNumComponents);
	}

	@Override
	public boolean isDirectBufferPooled() {
		return this.delegate.isDirectBufferPooled();
	}

	@Override
	public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
		return this.delegate.calculateNewCapacity(minNewCapacity, maxCapacity);
	}

	/** A buffer could not be allocated: the session closes, its event loop goes on. */
	static final class AllocationFailedException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		AllocationFailedException(OutOfMemoryError cause) {
			super("Buffer allocation failed: " + cause.getMessage(), cause);
		}

	}

}
