package dev.servercore.bench.attack;

import java.util.Locale;

/**
 * What each connection of the {@link AttackClient} does.
 */
public enum AttackMode {

	/**
	 * Sends the first {@code --send} bytes of a message announcing {@code --announce} payload bytes (all of it
	 * by default, then checks the echo), then one more byte every {@code --interval} without ever completing
	 * it, and holds the connection: idle sessions ({@code --send 0}), unfinished packets, half headers,
	 * slowloris, impossible headers ({@code --header-value}) and connection floods.
	 */
	HOLD("hold"),

	/** Writes {@code --size} chunks as fast as the socket takes them and never reads a byte. */
	NO_READ("no-read"),

	/** Writes random chunks of 1 to {@code --size} bytes every {@code --interval}, discarding what comes back. */
	RANDOM("random"),

	/** Connects, sends {@code --size} bytes (every other connection: nothing) and resets (SO_LINGER 0). */
	RESET("reset"),

	/**
	 * Keeps {@code --pipeline} messages in flight, checks every echoed byte, and at the end counts the
	 * messages left unanswered that were sent before the time in {@code --drain-marker}.
	 */
	PIPELINE("pipeline"),

	/**
	 * Sends a normal packet (echo checked), then a packet starting with {@code THROW} that the suite's test
	 * handler throws on, and expects the server to close the session.
	 */
	POISON("poison");

	private final String displayName;

	AttackMode(String displayName) {
		this.displayName = displayName;
	}

	/**
	 * Returns the name used on the command line.
	 * @return the mode's name, for example {@code no-read}
	 */
	public String displayName() {
		return this.displayName;
	}

	/**
	 * Parses a mode name.
	 * @param name the name as given on the command line
	 * @return the mode
	 * @throws IllegalArgumentException naming the bad value
	 */
	public static AttackMode of(String name) {
		String wanted = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
		for (AttackMode mode : values()) {
			if (mode.displayName.equals(wanted)) {
				return mode;
			}
		}
		throw new IllegalArgumentException(
				"--mode must be hold, no-read, random, reset, pipeline or poison, was: " + name);
	}

}
