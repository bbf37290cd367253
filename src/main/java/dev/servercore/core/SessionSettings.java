package dev.servercore.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How sessions behave: packet framing, the send path's bounds and the session limits.
 *
 * @param framing how the byte stream is cut into packets
 * @param sendQueueCap bytes that may wait to be sent to one session; a send that would pass it closes the
 * session as a slow consumer instead; 0 turns the cap off
 * @param closeFlushTimeout how long a closing session may take to flush what was sent before the close
 * @param idleTimeout nothing received for this long closes the session; zero turns it off
 * @param maxSessions the most open sessions; 0 for no limit
 * @param maxSessionsPerAddress the most open sessions from one client address; 0 for no limit
 * @param halfCloseGrace how long a session whose peer shut down its output stays writable for answers still
 * being prepared (for example on another thread) before it closes with {@link CloseReason#PEER_CLOSED}; zero
 * closes it as soon as what was sent is flushed
 * @param packetAssemblyTimeout with length-prefixed framing, a packet not complete this long after its first
 * bytes closes the session with {@link CloseReason#INCOMPLETE_PACKET}; zero turns it off
 */
public record SessionSettings(PacketFraming framing, long sendQueueCap, Duration closeFlushTimeout,
		Duration idleTimeout, int maxSessions, int maxSessionsPerAddress, Duration halfCloseGrace,
		Duration packetAssemblyTimeout) {

	/** Default send-queue cap: 1 MiB. */
	public static final long DEFAULT_SEND_QUEUE_CAP = 1024 * 1024;

	/** Default close flush timeout: 5 seconds. */
	public static final Duration DEFAULT_CLOSE_FLUSH_TIMEOUT = Duration.ofSeconds(5);

	/** Default idle timeout: 60 seconds. */
	public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

	/** Default half-close grace: 1 second. */
	public static final Duration DEFAULT_HALF_CLOSE_GRACE = Duration.ofSeconds(1);

	/** Default session limit: 10,000. */
	public static final int DEFAULT_MAX_SESSIONS = 10_000;

	/** Default packet assembly timeout: 30 seconds. */
	public static final Duration DEFAULT_PACKET_ASSEMBLY_TIMEOUT = Duration.ofSeconds(30);

	/** The defaults: raw framing, 1 MiB send-queue cap, 60 s idle timeout, 10,000 sessions. */
	public static final SessionSettings DEFAULTS = new SessionSettings(PacketFraming.RAW, DEFAULT_SEND_QUEUE_CAP,
			DEFAULT_CLOSE_FLUSH_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_SESSIONS, 0, DEFAULT_HALF_CLOSE_GRACE);

	public SessionSettings {
		Objects.requireNonNull(framing, "framing");
		Objects.requireNonNull(closeFlushTimeout, "closeFlushTimeout");
		Objects.requireNonNull(idleTimeout, "idleTimeout");
		Objects.requireNonNull(halfCloseGrace, "halfCloseGrace");
		Objects.requireNonNull(packetAssemblyTimeout, "packetAssemblyTimeout");
		requireNotNegative(sendQueueCap, "sendQueueCap");
		requireNotNegative(maxSessions, "maxSessions");
		requireNotNegative(maxSessionsPerAddress, "maxSessionsPerAddress");
		if (closeFlushTimeout.isNegative() || idleTimeout.isNegative() || halfCloseGrace.isNegative()
				|| packetAssemblyTimeout.isNegative()) {
			throw new IllegalArgumentException("Timeouts must not be negative, were: closeFlushTimeout="
					+ closeFlushTimeout + ", idleTimeout=" + idleTimeout + ", halfCloseGrace=" + halfCloseGrace
					+ ", packetAssemblyTimeout=" + packetAssemblyTimeout);
		}
	}

	/**
	 * Settings with the default half-close grace.
	 * @param framing how the byte stream is cut into packets
	 * @param sendQueueCap bytes that may wait to be sent to one session, 0 for no cap
	 * @param closeFlushTimeout how long a closing session may flush
	 * @param idleTimeout nothing received for this long closes the session; zero turns it off
	 * @param maxSessions the most open sessions; 0 for no limit
	 * @param maxSessionsPerAddress the most open sessions from one client address; 0 for no limit
	 */
	public SessionSettings(PacketFraming framing, long sendQueueCap, Duration closeFlushTimeout, Duration idleTimeout,
			int maxSessions, int maxSessionsPerAddress) {
		this(framing, sendQueueCap, closeFlushTimeout, idleTimeout, maxSessions, maxSessionsPerAddress,
				DEFAULT_HALF_CLOSE_GRACE);
	}

	/**
	 * Settings with the default packet assembly timeout.
	 * @param framing how the byte stream is cut into packets
	 * @param sendQueueCap bytes that may wait to be sent to one session, 0 for no cap
	 * @param closeFlushTimeout how long a closing session may flush
	 * @param idleTimeout nothing received for this long closes the session; zero turns it off
	 * @param maxSessions the most open sessions; 0 for no limit
	 * @param maxSessionsPerAddress the most open sessions from one client address; 0 for no limit
	 * @param halfCloseGrace how long a half-closed session stays writable
	 */
	public SessionSettings(PacketFraming framing, long sendQueueCap, Duration closeFlushTimeout, Duration idleTimeout,
			int maxSessions, int maxSessionsPerAddress, Duration halfCloseGrace) {
		this(framing, sendQueueCap, closeFlushTimeout, idleTimeout, maxSessions, maxSessionsPerAddress,
				halfCloseGrace, DEFAULT_PACKET_ASSEMBLY_TIMEOUT);
	}

	/**
	 * Returns these settings with another framing.
	 * @param framing the framing
	 * @return new settings
	 */
	public SessionSettings withFraming(PacketFraming framing) {
		return new SessionSettings(framing, this.sendQueueCap, this.closeFlushTimeout, this.idleTimeout,
				this.maxSessions, this.maxSessionsPerAddress, this.halfCloseGrace, this.packetAssemblyTimeout);
	}

	/**
	 * Returns these settings with other session limits.
	 * @param maxSessions the most open sessions, 0 for none
	 * @param maxSessionsPerAddress the most open sessions per client address, 0 for none
	 * @return new settings
	 */
	public SessionSettings withLimits(int maxSessions, int maxSessionsPerAddress) {
		return new SessionSettings(this.framing, this.sendQueueCap, this.closeFlushTimeout, this.idleTimeout,
				maxSessions, maxSessionsPerAddress, this.halfCloseGrace, this.packetAssemblyTimeout);
	}

	/**
	 * Returns these settings with another packet assembly timeout.
	 * @param packetAssemblyTimeout the timeout, zero to turn it off
	 * @return new settings
	 */
	public SessionSettings withPacketAssemblyTimeout(Duration packetAssemblyTimeout) {
		return new SessionSettings(this.framing, this.sendQueueCap, this.closeFlushTimeout, this.idleTimeout,
				this.maxSessions, this.maxSessionsPerAddress, this.halfCloseGrace, packetAssemblyTimeout);
	}

	private static void requireNotNegative(long value, String name) {
		if (value < 0) {
			throw new IllegalArgumentException(name + " must not be negative, was: " + value);
		}
	}

}
