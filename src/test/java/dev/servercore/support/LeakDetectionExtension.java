package dev.servercore.support;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails a test class when Netty reported a leaked buffer during it. Registered for every test class through
 * JUnit's extension auto-detection. Netty reports a leak only when a collected buffer was never released and
 * a later allocation polls the reference queue, so this collects garbage and allocates before it checks.
 */
public class LeakDetectionExtension implements AfterAllCallback {

	@Override
	public void afterAll(ExtensionContext context) {
		assertThat(ResourceLeakDetector.getLevel()).as("leak detection level").isEqualTo(ResourceLeakDetector.Level.PARANOID);
		for (int i = 0; i < 3; i++) {
			System.gc();
			touch();
		}
		List<String> leaks = RecordingLeakDetector.drain();
		assertThat(leaks).as("Netty buffer leaks reported while running " + context.getDisplayName()).isEmpty();
	}

	// Each allocation under PARANOID polls the detector's queue of collected, unreleased buffers.
	private static void touch() {
		for (int i = 0; i < 64; i++) {
			ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(16);
			direct.release();
			ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
			heap.release();
		}
	}

}
