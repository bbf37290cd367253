package dev.servercore.support;

import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;

/**
 * An allocator that throws a given {@link Error} from its next direct allocation once armed, as direct
 * memory exhaustion does ({@code OutOfMemoryError: Cannot reserve ... bytes of direct buffer memory}); set
 * as the child channels' {@code ChannelOption.ALLOCATOR} by a test.
 */
public final class FailingAllocator extends AbstractByteBufAllocator {

	private static final ByteBufAllocator DELEGATE = ByteBufAllocator.DEFAULT;

	private final AtomicReference<Error> next = new AtomicReference<>();

	public FailingAllocator() {
		super(true);
	}

	/**
	 * Makes the next direct allocation, on whatever thread, throw {@code error}.
	 * @param error what to throw
	 */
	public void failNext(Error error) {
		this.next.set(error);
	}

	/**
	 * Returns whether the armed error was thrown.
	 * @return {@code true} once the failure happened
	 */
	public boolean failed() {
		return this.next.get() == null;
	}

	@Override
	protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
		Error error = this.next.getAndSet(null);
		if (error != null) {
			throw error;
		}
		return DELEGATE.directBuffer(initialCapacity, maxCapacity);
	}

	@Override
	protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
		return DELEGATE.heapBuffer(initialCapacity, maxCapacity);
	}

	@Override
	public boolean isDirectBufferPooled() {
		return DELEGATE.isDirectBufferPooled();
	}

}
