package dev.servercore.core;

/**
 * Queue sizes of an io_uring event loop: how many submissions it batches and how many completions the kernel
 * can hold for it before the loop collects them.
 *
 * <p>A burst of completions larger than the completion queue overflows it: the kernel keeps the extra
 * completions aside (nothing is lost on Linux 5.5 and later) and Netty logs
 * {@code CompletionQueue overflow detected} at every burst. The default completion queue,
 * {@value #DEFAULT_COMPLETION_QUEUE_SIZE} entries (16 bytes each, 256 KiB per loop), holds a burst of 10,000
 * events (for example 10,000 clients resetting at once) without overflowing.
 *
 * @param ringSize submission queue entries, a power of two
 * @param completionQueueSize completion queue entries, a power of two, at least {@code ringSize}
 */
public record IoUringSettings(int ringSize, int completionQueueSize) {

	/** Netty's default submission queue size. */
	public static final int DEFAULT_RING_SIZE = 128;

	/** Default completion queue size: a burst of 10,000 completions fits. */
	public static final int DEFAULT_COMPLETION_QUEUE_SIZE = 16384;

	/** The defaults. */
	public static final IoUringSettings DEFAULTS = new IoUringSettings(DEFAULT_RING_SIZE, DEFAULT_COMPLETION_QUEUE_SIZE);

	/**
	 * Checks the sizes.
	 * @param ringSize submission queue entries, a power of two
	 * @param completionQueueSize completion queue entries, a power of two, at least {@code ringSize}
	 */
	public IoUringSettings {
		if (!isPowerOfTwo(ringSize)) {
			throw new IllegalArgumentException(
					"servercore.io.io-uring.ring-size must be a positive power of two, was: " + ringSize);
		}
		if (!isPowerOfTwo(completionQueueSize) || completionQueueSize < ringSize) {
			throw new IllegalArgumentException("servercore.io.io-uring.completion-queue-size must be a power of two "
					+ "of at least servercore.io.io-uring.ring-size (" + ringSize + "), was: " + completionQueueSize);
		}
	}

	private static boolean isPowerOfTwo(int value) {
		return value > 0 && (value & (value - 1)) == 0;
	}

}
