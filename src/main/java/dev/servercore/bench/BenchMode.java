package dev.servercore.bench;

import java.util.Locale;

/**
 * What the load client does on each connection.
 */
public enum BenchMode {

	/** One message in flight per connection: send, wait for the whole echo, send the next. */
	PING_PONG("ping-pong"),

	/** {@code --pipeline N} messages in flight per connection: each completed echo sends one more. */
	PIPELINED("pipelined"),

	/** Continuous writes of {@code --size} chunks, bounded by {@code --window} bytes in flight per connection. */
	STREAM("stream"),

	/** Open {@code --connections} sessions at {@code --rate} per second, echo one message on each, then hold them. */
	CONNECT("connect"),

	/**
	 * {@code --connections} chat clients spread over {@code --rooms} rooms of servercore's chat handler
	 * ({@code servercore.handler=chat}, line framing), saying {@code --rate} lines per second in all; measures
	 * delivery latency to every member and checks nothing is lost, duplicated or reordered per sender.
	 */
	FANOUT("fanout");

	private final String displayName;

	BenchMode(String displayName) {
		this.displayName = displayName;
	}

	/**
	 * Returns the name used on the command line and in summaries.
	 * @return the mode's name, for example {@code ping-pong}
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
	public static BenchMode of(String name) {
		String wanted = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
		for (BenchMode mode : values()) {
			if (mode.displayName.equals(wanted)) {
				return mode;
			}
		}
		if (wanted.equals("connect-only")) {
			return CONNECT;
		}
		throw new IllegalArgumentException(
				"--mode must be ping-pong, pipelined, stream, connect or fanout, was: " + name);
	}

}
