package dev.servercore.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The leak check can fail: a buffer dropped without release is reported.
 */
class LeakDetectionTests {

	@Test
	void anUnreleasedBufferIsReported() {
		leak();
		await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
			System.gc();
			PooledByteBufAllocator.DEFAULT.directBuffer(8).release();
			return RecordingLeakDetector.drain().stream().anyMatch((leak) -> leak.contains("ByteBuf"));
		});
		assertThat(RecordingLeakDetector.drain()).isEmpty();
	}

	private static void leak() {
		ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
		leaked.writeInt(1);
	}

}
