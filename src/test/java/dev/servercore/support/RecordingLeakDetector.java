package dev.servercore.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.util.ResourceLeakDetector;

/**
 * Netty's leak detector, keeping every report so that a test can fail on it. Installed for all tests with
 * {@code -Dio.netty.customResourceLeakDetector} (see the Surefire configuration).
 *
 * @param <T> the tracked resource type
 */
public class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

	private static final List<String> leaks = new CopyOnWriteArrayList<>();

	public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
		super(resourceType, samplingInterval, maxActive);
	}

	public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
		super(resourceType, samplingInterval);
	}

	/**
	 * Returns and forgets the leaks reported so far.
	 * @return the leak reports
	 */
	public static List<String> drain() {
		List<String> reported = List.copyOf(leaks);
		leaks.removeAll(reported);
		return reported;
	}

	@Override
	protected void reportTracedLeak(String resourceType, String records) {
		leaks.add(resourceType + " leaked: " + records);
		super.reportTracedLeak(resourceType, records);
	}

	@Override
	protected void reportUntracedLeak(String resourceType) {
		leaks.add(resourceType + " leaked (no records)");
		super.reportUntracedLeak(resourceType);
	}

}
