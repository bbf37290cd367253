package dev.servercore.core;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission at accept: how many sessions may be open, in all and per client address. A connection past a
 * limit is closed at once with {@link CloseReason#REJECTED_LIMIT}, before any handler sees it; the sessions
 * already open are untouched. Counted once per accept and once per close, never per read.
 */
final class SessionLimits {

	private final int maxSessions;

	private final int maxSessionsPerAddress;

	private final AtomicInteger admitted = new AtomicInteger();

	// Open sessions per client address; an address leaves the map when its count reaches zero.
	private final ConcurrentMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

	/**
	 * @param maxSessions the most open sessions, 0 for no limit
	 * @param maxSessionsPerAddress the most open sessions from one client address, 0 for no limit
	 */
	SessionLimits(int maxSessions, int maxSessionsPerAddress) {
		this.maxSessions = maxSessions;
		this.maxSessionsPerAddress = maxSessionsPerAddress;
	}

	/**
	 * Admits a session, or refuses it if a limit is reached; an admitted session must be {@link #release released}.
	 */
	boolean admit(Session session) {
		if (this.maxSessions > 0 && this.admitted.incrementAndGet() > this.maxSessions) {
			this.admitted.decrementAndGet();
			return false;
		}
		if (this.maxSessionsPerAddress > 0 && !admitFromAddress(session)) {
			if (this.maxSessions > 0) {
				this.admitted.decrementAndGet();
			}
			return false;
		}
		return true;
	}

	void release(Session session) {
		if (this.maxSessions > 0) {
			this.admitted.decrementAndGet();
		}
		if (this.maxSessionsPerAddress > 0) {
			this.perAddress.computeIfPresent(address(session), (address, open) -> (open > 1) ? open - 1 : null);
		}
	}

	private boolean admitFromAddress(Session session) {
		boolean[] admitted = new boolean[1];
		// compute() is atomic per key: the check and the increment cannot interleave with another accept.
		this.perAddress.compute(address(session), (address, open) -> {
			int count = (open != null) ? open : 0;
			if (count >= this.maxSessionsPerAddress) {
				return open;
			}
			admitted[0] = true;
			return count + 1;
		});
		return admitted[0];
	}

	private static InetAddress address(Session session) {
		return session.remoteAddress().getAddress();
	}

}
