package dev.servercore.core;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.OptionalLong;

import com.sun.management.UnixOperatingSystemMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits the session limit to the process's open-file limit ({@code ulimit -n}): every session holds one file
 * descriptor, and the listener, the Actuator web server (its listener and scrapes), the event loops and the
 * JVM itself (jars, logs) need some too. A {@code max-sessions} that leaves fewer than the headroom is lowered
 * at start-up, with a warning; an open-file limit that cannot even hold the headroom fails start-up.
 *
 * <pre>
 * int maxSessions = DescriptorLimit.fit(10_000, DescriptorLimit.DEFAULT_HEADROOM, DescriptorLimit.processLimit());
 * </pre>
 */
public final class DescriptorLimit {

	/** Descriptors kept free for everything but sessions by default. */
	public static final int DEFAULT_HEADROOM = 256;

	private static final Logger logger = LoggerFactory.getLogger(DescriptorLimit.class);

	private DescriptorLimit() {
	}

	/**
	 * Returns the process's open-file limit.
	 * @return the limit, empty where the JVM cannot tell (not a Unix-like system)
	 */
	public static OptionalLong processLimit() {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof UnixOperatingSystemMXBean unix) {
			return OptionalLong.of(unix.getMaxFileDescriptorCount());
		}
		return OptionalLong.empty();
	}

	/**
	 * Returns the session limit to use under an open-file limit.
	 * @param maxSessions the configured limit, 0 for none
	 * @param headroom descriptors to keep free for everything but sessions, not negative
	 * @param processLimit the open-file limit, empty if unknown
	 * @return {@code maxSessions}, or the open-file limit minus the headroom if that is lower (also when
	 * {@code maxSessions} is 0)
	 * @throws IllegalStateException if the open-file limit does not exceed the headroom
	 */
	public static int fit(int maxSessions, int headroom, OptionalLong processLimit) {
		if (headroom < 0) {
			throw new IllegalArgumentException(
					"servercore.limits.descriptor-headroom must not be negative, was: " + headroom);
		}
		if (processLimit.isEmpty()) {
			return maxSessions;
		}
		long limit = processLimit.getAsLong();
		long available = limit - headroom;
		if (available < 1) {
			throw new IllegalStateException("The open-file limit (" + limit + ", ulimit -n) leaves no descriptor for "
					+ "sessions after servercore.limits.descriptor-headroom (" + headroom + "): raise the limit");
		}
		if (maxSessions != 0 && maxSessions <= available) {
			return maxSessions;
		}
		int lowered = (int) Math.min(available, Integer.MAX_VALUE);
		logger.warn("servercore.limits.max-sessions ({}) lowered to {}: the open-file limit is {} (ulimit -n) and {} "
				+ "descriptors stay free for the listener, Actuator and the JVM (servercore.limits.descriptor-headroom); "
				+ "raise the open-file limit to allow more sessions", (maxSessions != 0) ? maxSessions : "no limit",
				lowered, limit, headroom);
		return lowered;
	}

}
