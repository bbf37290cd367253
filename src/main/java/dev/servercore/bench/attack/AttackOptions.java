package dev.servercore.bench.attack;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.servercore.bench.PacketFormat;
import dev.servercore.core.Transport;

/**
 * The hostile client's settings, parsed from its command line; immutable once built.
 *
 * <pre>
 * AttackOptions options = AttackOptions.parse("--mode", "no-read", "--connections", "1000", "--duration", "20s");
 * </pre>
 */
public final class AttackOptions {

	/** Default payload or chunk size in bytes. */
	public static final int DEFAULT_SIZE = 16 * 1024;

	/** Default run time. */
	public static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);

	/** Default time allowed for one connect. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

	/** Default connects in progress at once, below the kernel's accept backlog. */
	public static final int DEFAULT_MAX_PENDING_CONNECTS = 256;

	String host = "127.0.0.1";

	int port = 7000;

	AttackMode mode = AttackMode.HOLD;

	int connections = 1;

	double rate;

	Duration duration = DEFAULT_DURATION;

	Transport transport = Transport.AUTO;

	int threads = 1;

	List<InetAddress> bind = List.of();

	boolean reconnect;

	int size = DEFAULT_SIZE;

	int announce = -1;

	int send = -1;

	Duration interval = Duration.ZERO;

	Duration lifetime = Duration.ZERO;

	long until;

	Long headerValue;

	PacketFormat format = PacketFormat.RAW;

	int rounds = 1;

	int pipeline = 16;

	Path drainMarker;

	Path json;

	Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

	int maxPendingConnects = DEFAULT_MAX_PENDING_CONNECTS;

	// The client's own kernel send buffer (SO_SNDBUF), 0 for the kernel's autotuning.
	int sendBuffer;

	private AttackOptions() {
	}

	/**
	 * Parses the command line (without the leading {@code attack}).
	 * @param args the arguments
	 * @return the options
	 * @throws IllegalArgumentException naming the bad option or value
	 */
	public static AttackOptions parse(String... args) {
		AttackOptions options = new AttackOptions();
		String framing = "raw";
		int lengthFieldBytes = PacketFormat.DEFAULT_LENGTH_FIELD_BYTES;
		ByteOrder byteOrder = ByteOrder.BIG_ENDIAN;
		boolean includesHeader = false;
		for (int i = 0; i < args.length; i++) {
			String name = args[i];
			String value = null;
			int equals = name.indexOf('=');
			if (name.startsWith("--") && equals > 0) {
				value = name.substring(equals + 1);
				name = name.substring(0, equals);
			}
			if (!name.equals("--reconnect") && !name.equals("--length-includes-header") && value == null) {
				if (i + 1 >= args.length) {
					throw new IllegalArgumentException(name + " needs a value");
				}
				value = args[++i];
			}
			switch (name) {
				case "--host" -> options.host = value;
				case "--port" -> options.port = (int) number(name, value, 1, 65535);
				case "--mode" -> options.mode = AttackMode.of(value);
				case "--connections", "-c" -> options.connections = (int) number(name, value, 1, 1_000_000);
				case "--rate" -> options.rate = number(name, value, 0, 10_000_000);
				case "--duration", "-d" -> options.duration = duration(name, value);
				case "--transport" -> options.transport = transport(value);
				case "--threads" -> options.threads = (int) number(name, value, 1, 64);
				case "--bind" -> options.bind = addresses(value);
				case "--reconnect" -> options.reconnect = true;
				case "--size" -> options.size = (int) size(name, value);
				case "--announce" -> options.announce = (int) size(name, value);
				case "--send" -> options.send = (int) size(name, value);
				case "--interval" -> options.interval = duration(name, value);
				case "--lifetime" -> options.lifetime = duration(name, value);
				case "--until" -> options.until = number(name, value, 1, Long.MAX_VALUE);
				case "--header-value" -> options.headerValue = number(name, value, Integer.MIN_VALUE, 0xFFFFFFFFL);
				case "--framing" -> framing = value.toLowerCase(Locale.ROOT);
				case "--length-field-bytes" -> lengthFieldBytes = (int) number(name, value, 2, 4);
				case "--byte-order" -> byteOrder = value.toLowerCase(Locale.ROOT).startsWith("little")
						? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
				case "--length-includes-header" -> includesHeader = true;
				case "--rounds" -> options.rounds = (int) number(name, value, 1, 1_000_000);
				case "--pipeline" -> options.pipeline = (int) number(name, value, 1, 1 << 16);
				case "--drain-marker" -> options.drainMarker = Path.of(value);
				case "--json" -> options.json = Path.of(value);
				case "--connect-timeout" -> options.connectTimeout = duration(name, value);
				case "--max-pending-connects" -> options.maxPendingConnects = (int) number(name, value, 1, 1_000_000);
				case "--send-buffer" -> options.sendBuffer = (int) size(name, value);
				default -> throw new IllegalArgumentException("Unknown option: " + args[i] + " (see --help)");
			}
		}
		options.format = switch (framing) {
			case "raw" -> PacketFormat.RAW;
			case "length-prefixed" -> PacketFormat.lengthPrefixed(lengthFieldBytes, byteOrder, includesHeader);
			default -> throw new IllegalArgumentException("--framing must be raw or length-prefixed, was: " + framing);
		};
		if (options.announce < 0) {
			options.announce = options.size;
		}
		if (options.mode == AttackMode.POISON && !options.format.isLengthPrefixed()) {
			throw new IllegalArgumentException("--mode poison needs --framing length-prefixed");
		}
		if (options.headerValue != null && !options.format.isLengthPrefixed()) {
			throw new IllegalArgumentException("--header-value needs --framing length-prefixed");
		}
		if (options.size < 1 && options.mode != AttackMode.HOLD) {
			throw new IllegalArgumentException("--size must be positive in " + options.mode.displayName() + " mode");
		}
		return options;
	}

	/**
	 * Returns the usage text.
	 * @return the help printed by {@code attack --help}
	 */
	public static String usage() {
		return """
				Usage: java -jar servercore.jar attack [options]

				Hostile clients for the reliability suite: connections that misbehave on purpose. Prints one
				'attack summary:' line of key=value counts (what the server did to them) at the end.

				  --mode MODE               hold | no-read | random | reset | pipeline | poison (default hold)
				  --host HOST, --port PORT  server (default 127.0.0.1:7000)
				  --connections N, -c N     connections (default 1)
				  --rate R                  connects per second (default 0: as fast as possible)
				  --duration TIME           run time; the run ends earlier once every connection is closed
				                            and none will reconnect (default 10s)
				  --until EPOCH_MS          end the run at this wall-clock time at the latest (several
				                            clients then close their connections together)
				  --reconnect               open a new connection when the server closes one
				  --size BYTES              message / chunk size (default 16KiB); hold: 0 sends nothing
				  --announce BYTES          hold: payload length the header announces (default --size)
				  --send BYTES              hold: bytes of the framed message to send (default all: echo checked)
				  --interval TIME           hold: one more byte every TIME (never completing the message);
				                            random: time between chunks (default 0)
				  --lifetime TIME           hold: close each connection after TIME (with --reconnect: churn)
				  --header-value V          hold: the raw length field value, e.g. 2147483647 or -1
				  --framing raw|length-prefixed, --length-field-bytes 2|4, --byte-order big|little,
				  --length-includes-header  as the server's servercore.framing and servercore.packet.*
				  --rounds N                reset: times every connection is opened and reset (default 1)
				  --pipeline N              pipeline: messages in flight per connection (default 16)
				  --drain-marker FILE       pipeline: a file holding an epoch-millisecond time (written by the
				                            suite when it sends SIGTERM); unanswered messages sent before it
				                            are counted as unanswered_before_drain
				  --bind A,B,...            source addresses, used in turn (127.0.0.0/8 spreads ephemeral ports)
				  --threads N, --transport auto|io_uring|epoll|nio   client event loops (default 1, auto)
				  --connect-timeout TIME, --max-pending-connects N   (default 10s, 256)
				  --send-buffer SIZE        the client's own SO_SNDBUF (default: the kernel's autotuning, up to
				                            4 MiB a connection, which on the server's host counts in its TCP memory)
				  --json FILE               also write the summary as JSON
				""";
	}

	private static long number(String name, String value, long min, long max) {
		long parsed;
		try {
			parsed = Long.parseLong(value.trim().replace("_", ""));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(name + " must be a whole number, was: " + value);
		}
		if (parsed < min || parsed > max) {
			throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was: " + value);
		}
		return parsed;
	}

	private static long size(String name, String value) {
		String text = value.trim().toLowerCase(Locale.ROOT);
		long unit = 1;
		if (text.endsWith("kib") || text.endsWith("k")) {
			unit = 1024;
			text = text.substring(0, text.length() - (text.endsWith("kib") ? 3 : 1));
		}
		else if (text.endsWith("mib") || text.endsWith("m")) {
			unit = 1024 * 1024;
			text = text.substring(0, text.length() - (text.endsWith("mib") ? 3 : 1));
		}
		return number(name, text, 0, Integer.MAX_VALUE / unit) * unit;
	}

	static Duration duration(String name, String value) {
		String text = value.trim().toLowerCase(Locale.ROOT);
		try {
			if (text.endsWith("ms")) {
				return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
			}
			if (text.endsWith("m")) {
				return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)) * 60);
			}
			if (text.endsWith("s")) {
				text = text.substring(0, text.length() - 1);
			}
			return Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(name + " must be a time such as 500ms, 10s or 2m, was: " + value);
		}
	}

	private static Transport transport(String value) {
		try {
			return Transport.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("--transport must be auto, io_uring, epoll or nio, was: " + value);
		}
	}

	private static List<InetAddress> addresses(String value) {
		List<InetAddress> addresses = new ArrayList<>();
		for (String part : value.split(",")) {
			if (!part.isBlank()) {
				try {
					addresses.add(InetAddress.getByName(part.trim()));
				}
				catch (UnknownHostException ex) {
					throw new IllegalArgumentException("--bind: not an address: " + part);
				}
			}
		}
		return List.copyOf(addresses);
	}

	public String host() {
		return this.host;
	}

	public int port() {
		return this.port;
	}

	public AttackMode mode() {
		return this.mode;
	}

	public int connections() {
		return this.connections;
	}

	public Duration duration() {
		return this.duration;
	}

	public PacketFormat format() {
		return this.format;
	}

}
