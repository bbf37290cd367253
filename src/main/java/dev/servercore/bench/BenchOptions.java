package dev.servercore.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.servercore.core.Transport;

/**
 * The load client's settings, parsed from its command line; immutable once built.
 *
 * <pre>
 * BenchOptions options = BenchOptions.parse("--port", "7000", "--connections", "100", "--duration", "10s");
 * </pre>
 */
public final class BenchOptions {

	/** Default server host. */
	public static final String DEFAULT_HOST = "127.0.0.1";

	/** Default server port, servercore's default. */
	public static final int DEFAULT_PORT = 7000;

	/** Default connection count. */
	public static final int DEFAULT_CONNECTIONS = 1;

	/** Default payload size in bytes. */
	public static final int DEFAULT_SIZE = 64;

	/** Default messages in flight per connection in pipelined mode. */
	public static final int DEFAULT_PIPELINE = 16;

	/** Default measured period. */
	public static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);

	/** Default warm-up period, excluded from the results. */
	public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(2);

	/** Default bytes in flight per connection in stream mode: below servercore's 1 MB send-queue cap. */
	public static final int DEFAULT_WINDOW = 512 * 1024;

	/** Default client event-loop threads: one, as the benchmark pins the client to one CPU. */
	public static final int DEFAULT_THREADS = 1;

	/** Default time allowed for a connect, and for all connections to be opened. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

	/** Default connects in progress at once, below the kernel's accept backlog. */
	public static final int DEFAULT_MAX_PENDING_CONNECTS = 256;

	String host = DEFAULT_HOST;

	int port = DEFAULT_PORT;

	BenchMode mode = BenchMode.PING_PONG;

	int connections = DEFAULT_CONNECTIONS;

	int size = DEFAULT_SIZE;

	int pipeline = 1;

	Duration duration = DEFAULT_DURATION;

	Duration warmup = DEFAULT_WARMUP;

	double rate;

	PacketFormat format = PacketFormat.RAW;

	List<InetAddress> bind = List.of();

	int threads = DEFAULT_THREADS;

	Transport transport = Transport.AUTO;

	int window = DEFAULT_WINDOW;

	Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

	int maxPendingConnects = DEFAULT_MAX_PENDING_CONNECTS;

	int rooms = 1;

	// Fanout mode: the ports of several servers (cluster nodes) the connections are spread over; empty: --port.
	List<Integer> ports = List.of();

	Path json;

	Path hgrm;

	long serverPid = -1;

	boolean progress = true;

	boolean tls;

	Path tlsCa;

	boolean tlsTrustAny;

	private BenchOptions() {
	}

	/**
	 * Parses the command line (without the leading {@code bench}).
	 * @param args the arguments
	 * @return the options
	 * @throws IllegalArgumentException naming the bad option or value
	 */
	public static BenchOptions parse(String... args) {
		BenchOptions options = new BenchOptions();
		boolean modeGiven = false;
		boolean pipelineGiven = false;
		String framing = "raw";
		int lengthFieldBytes = PacketFormat.DEFAULT_LENGTH_FIELD_BYTES;
		ByteOrder byteOrder = ByteOrder.BIG_ENDIAN;
		boolean includesHeader = false;
		int idFieldBytes = 0;
		int messageId = 0;
		boolean protobufBytesField = false;
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			String name = arg;
			String value = null;
			int equals = arg.indexOf('=');
			if (arg.startsWith("--") && equals > 0) {
				name = arg.substring(0, equals);
				value = arg.substring(equals + 1);
			}
			switch (name) {
				case "--host" -> options.host = (value != null) ? value : next(args, ++i, name);
				case "--port" -> options.port = parseInt(name, (value != null) ? value : next(args, ++i, name), 1,
						65535);
				case "--mode" -> {
					options.mode = BenchMode.of((value != null) ? value : next(args, ++i, name));
					modeGiven = true;
				}
				case "--connections", "-c" -> options.connections = parseInt(name,
						(value != null) ? value : next(args, ++i, name), 1, 1_000_000);
				case "--size" -> options.size = (int) parseSize(name, (value != null) ? value : next(args, ++i, name),
						0, Integer.MAX_VALUE - 8);
				case "--pipeline" -> {
					options.pipeline = parseInt(name, (value != null) ? value : next(args, ++i, name), 1, 1 << 20);
					pipelineGiven = true;
				}
				case "--duration", "-d" -> options.duration = parseDuration(name,
						(value != null) ? value : next(args, ++i, name));
				case "--warmup" -> options.warmup = parseDuration(name, (value != null) ? value : next(args, ++i, name));
				case "--rate" -> options.rate = parseRate((value != null) ? value : next(args, ++i, name));
				case "--framing" -> framing = (value != null) ? value : next(args, ++i, name);
				case "--length-field-bytes" -> lengthFieldBytes = parseInt(name,
						(value != null) ? value : next(args, ++i, name), 1, 8);
				case "--byte-order" -> byteOrder = parseByteOrder((value != null) ? value : next(args, ++i, name));
				case "--length-includes-header" -> includesHeader = (value == null) || parseBoolean(name, value);
				case "--id-field-bytes" -> idFieldBytes = parseInt(name, (value != null) ? value : next(args, ++i, name),
						0, 8);
				case "--message-id" -> messageId = parseInt(name, (value != null) ? value : next(args, ++i, name), 0,
						Integer.MAX_VALUE);
				case "--protobuf-bytes-field" -> protobufBytesField = (value == null) || parseBoolean(name, value);
				case "--bind" -> options.bind = parseAddresses((value != null) ? value : next(args, ++i, name));
				case "--threads" -> options.threads = parseInt(name, (value != null) ? value : next(args, ++i, name),
						1, 256);
				case "--transport" -> options.transport = parseTransport(
						(value != null) ? value : next(args, ++i, name));
				case "--window" -> options.window = (int) parseSize(name,
						(value != null) ? value : next(args, ++i, name), 1, Integer.MAX_VALUE);
				case "--connect-timeout" -> options.connectTimeout = parseDuration(name,
						(value != null) ? value : next(args, ++i, name));
				case "--max-pending-connects" -> options.maxPendingConnects = parseInt(name,
						(value != null) ? value : next(args, ++i, name), 1, 1_000_000);
				case "--json" -> options.json = Path.of((value != null) ? value : next(args, ++i, name));
				case "--hgrm" -> options.hgrm = Path.of((value != null) ? value : next(args, ++i, name));
				case "--server-pid" -> options.serverPid = parseInt(name,
						(value != null) ? value : next(args, ++i, name), 1, Integer.MAX_VALUE);
				case "--ports" -> {
					List<Integer> ports = new ArrayList<>();
					for (String port : ((value != null) ? value : next(args, ++i, name)).split(",")) {
						ports.add(parseInt(name, port, 1, 65535));
					}
					options.ports = List.copyOf(ports);
				}
				case "--rooms" -> options.rooms = parseInt(name, (value != null) ? value : next(args, ++i, name), 1,
						1_000_000);
				case "--no-progress" -> options.progress = false;
				case "--tls" -> options.tls = (value == null) || parseBoolean(name, value);
				case "--tls-ca" -> {
					options.tlsCa = Path.of((value != null) ? value : next(args, ++i, name));
					options.tls = true;
				}
				case "--tls-trust-any" -> {
					options.tlsTrustAny = (value == null) || parseBoolean(name, value);
					options.tls |= options.tlsTrustAny;
				}
				default -> throw new IllegalArgumentException("Unknown option: " + arg + " (see --help)");
			}
		}
		if (pipelineGiven && !modeGiven && options.pipeline > 1) {
			options.mode = BenchMode.PIPELINED;
		}
		if (options.mode == BenchMode.PIPELINED && !pipelineGiven) {
			options.pipeline = DEFAULT_PIPELINE;
		}
		if (options.mode != BenchMode.PIPELINED && pipelineGiven && options.pipeline > 1) {
			throw new IllegalArgumentException("--pipeline " + options.pipeline + " needs --mode pipelined, was: "
					+ options.mode.displayName());
		}
		switch (framing.toLowerCase(Locale.ROOT)) {
			case "raw" -> options.format = PacketFormat.RAW;
			case "length-prefixed", "length_prefixed" -> options.format = PacketFormat
				.lengthPrefixed(lengthFieldBytes, byteOrder, includesHeader);
			default -> throw new IllegalArgumentException("--framing must be raw or length-prefixed, was: " + framing);
		}
		options.format = options.format.withMessageId(idFieldBytes, messageId);
		if (protobufBytesField) {
			if (idFieldBytes == 0) {
				throw new IllegalArgumentException("--protobuf-bytes-field needs --id-field-bytes 2 or 4");
			}
			options.format = options.format.withProtobufBytesField(options.size);
		}
		options.validate();
		return options;
	}

	private void validate() {
		if (this.size == 0 && this.mode != BenchMode.CONNECT) {
			throw new IllegalArgumentException("--size must be positive in " + this.mode.displayName() + " mode");
		}
		if (this.size > this.format.maxPayload()) {
			throw new IllegalArgumentException("--size " + this.size + " does not fit a " + this.format
					+ " header (at most " + this.format.maxPayload() + ")");
		}
		if (this.duration.isZero() || this.duration.isNegative()) {
			throw new IllegalArgumentException("--duration must be positive, was: " + this.duration);
		}
		if (this.warmup.isNegative()) {
			throw new IllegalArgumentException("--warmup must not be negative, was: " + this.warmup);
		}
		if (this.connectTimeout.isZero() || this.connectTimeout.isNegative()) {
			throw new IllegalArgumentException("--connect-timeout must be positive, was: " + this.connectTimeout);
		}
		if (this.mode == BenchMode.FANOUT && this.rooms > this.connections) {
			throw new IllegalArgumentException("--rooms " + this.rooms + " is more than --connections " + this.connections);
		}
		if (this.tls && this.mode == BenchMode.FANOUT) {
			throw new IllegalArgumentException("--tls is not supported in fanout mode");
		}
		if (this.tlsCa != null && this.tlsTrustAny) {
			throw new IllegalArgumentException("--tls-ca and --tls-trust-any exclude each other");
		}
		if (this.mode == BenchMode.STREAM && this.rate > 0) {
			throw new IllegalArgumentException("--rate does not apply to stream mode");
		}
		if (this.mode == BenchMode.STREAM && this.window < wireSize()) {
			throw new IllegalArgumentException("--window " + this.window + " is smaller than one message ("
					+ wireSize() + " bytes)");
		}
	}

	/**
	 * Returns the bytes of one message on the wire, header included.
	 * @return the wire size
	 */
	public int wireSize() {
		return this.format.headerBytes() + this.size;
	}

	/**
	 * Returns the messages one connection may have in flight.
	 * @return the in-flight limit
	 */
	public int depth() {
		return switch (this.mode) {
			case PIPELINED -> this.pipeline;
			case STREAM -> this.window / wireSize();
			default -> 1;
		};
	}

	public String host() {
		return this.host;
	}

	public int port() {
		return this.port;
	}

	public BenchMode mode() {
		return this.mode;
	}

	public int connections() {
		return this.connections;
	}

	public int size() {
		return this.size;
	}

	public int pipeline() {
		return this.pipeline;
	}

	public Duration duration() {
		return this.duration;
	}

	public Duration warmup() {
		return this.warmup;
	}

	/**
	 * Returns the target rate: messages per second over all connections, or connections opened per second
	 * in connect mode.
	 * @return the rate, 0 for as fast as possible
	 */
	public double rate() {
		return this.rate;
	}

	public PacketFormat format() {
		return this.format;
	}

	public List<InetAddress> bind() {
		return this.bind;
	}

	public int threads() {
		return this.threads;
	}

	public Transport transport() {
		return this.transport;
	}

	public int window() {
		return this.window;
	}

	public Duration connectTimeout() {
		return this.connectTimeout;
	}

	public int maxPendingConnects() {
		return this.maxPendingConnects;
	}

	/**
	 * Returns whether the connections use TLS.
	 * @return {@code true} with {@code --tls}, {@code --tls-ca} or {@code --tls-trust-any}
	 */
	public boolean tls() {
		return this.tls;
	}

	/**
	 * Returns the PEM file of the certificate authority to trust with TLS.
	 * @return the file, or {@code null} for the JDK's default trust store (or any certificate)
	 */
	public Path tlsCa() {
		return this.tlsCa;
	}

	/**
	 * Returns whether any server certificate is accepted: for tests only, it proves nothing about the server.
	 * @return {@code true} with {@code --tls-trust-any}
	 */
	public boolean tlsTrustAny() {
		return this.tlsTrustAny;
	}

	/**
	 * Returns the ports the connections are spread over in fanout mode (connection i on port i mod n).
	 * @return the ports, or {@code --port} alone
	 */
	public List<Integer> ports() {
		return this.ports.isEmpty() ? List.of(this.port) : this.ports;
	}

	/**
	 * Returns the number of chat rooms the connections are spread over in fanout mode.
	 * @return the room count
	 */
	public int rooms() {
		return this.rooms;
	}

	public Path json() {
		return this.json;
	}

	public Path hgrm() {
		return this.hgrm;
	}

	public long serverPid() {
		return this.serverPid;
	}

	public boolean progress() {
		return this.progress;
	}

	/**
	 * Returns the usage text.
	 * @return the help printed by {@code bench --help}
	 */
	public static String usage() {
		return """
				Usage: java -jar servercore-exec.jar bench [options]

				Load client for servercore (or any echo server): opens connections, sends messages, checks every
				echoed byte, and reports throughput and latency. It never starts the server.

				  --host HOST                 server address (default 127.0.0.1)
				  --port PORT                 server port (default 7000)
				  --mode MODE                 ping-pong | pipelined | stream | connect | fanout (default ping-pong)
				  --connections N, -c N       connections, or sessions to hold in connect mode (default 1)
				  --size BYTES                payload per message or stream chunk, e.g. 64, 16KiB (default 64)
				  --pipeline N                messages in flight per connection; implies pipelined (default 16)
				  --duration TIME, -d TIME    measured time, or hold time in connect mode, e.g. 10s (default 10s)
				  --warmup TIME               traffic before measuring, excluded from results (default 2s)
				  --rate R                    messages/s over all connections (latency then corrected for
				                              coordinated omission), or connections opened/s in connect mode
				                              (default 0: as fast as possible); in ping-pong mode a late answer
				                              also delays the messages due behind it, add --pipeline N to send
				                              on schedule with up to N in flight
				  --framing raw|length-prefixed   as the server's servercore.framing (default raw)
				  --length-field-bytes 2|4    length header size (default 4)
				  --byte-order big|little     length header byte order (default big)
				  --length-includes-header    the length counts the header too (default: payload only)
				  --id-field-bytes 0|2|4      message id after the length, as servercore.packet.id-field-bytes (default 0)
				  --message-id N              the id every message carries (default 0)
				  --protobuf-bytes-field      wrap each payload as field 1 (bytes) of a protobuf message, so that a
				                              typed server can decode it (the example protocol's Echo, id 100)
				  --window BYTES              stream mode: bytes in flight per connection (default 512KiB)
				  --rooms M                   fanout mode: chat rooms the connections are spread over (default 1);
				                              the server runs servercore.handler=chat with servercore.framing=line,
				                              --rate is lines said per second in all (default: one per connection)
				  --ports P1,P2,...           fanout mode: cluster nodes' ports, connection i on port i mod n; the
				                              summary adds the latency of deliveries from one node to another
				  --bind A,B,...              source addresses, used in turn, e.g. 127.0.0.2,127.0.0.3
				  --threads N                 client event-loop threads (default 1)
				  --transport T               client transport: auto | io_uring | epoll | nio (default auto)
				  --connect-timeout TIME      per connect, and for opening all connections (default 30s)
				  --max-pending-connects N    connects in progress at once (default 256)
				  --json FILE                 also write the summary as JSON
				  --hgrm FILE                 also write the latency percentile distribution (HdrHistogram .hgrm)
				  --server-pid PID            read the server's CPU time from /proc (Linux) for CPU per message
				  --no-progress               no progress line every second
				  --tls                       connect with TLS, trusting the JDK's certificate authorities
				  --tls-ca FILE               TLS, trusting the certificate authority in this PEM file
				  --tls-trust-any             TLS, accepting any server certificate: for tests only
				  --help                      this text

				Exit status: 0 on success; 1 if any byte mismatched, any connection failed or nothing completed;
				2 for a bad command line.
				""";
	}

	private static String next(String[] args, int index, String name) {
		if (index >= args.length) {
			throw new IllegalArgumentException(name + " needs a value");
		}
		return args[index];
	}

	static int parseInt(String name, String value, int min, int max) {
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
		return (int) parsed;
	}

	static long parseSize(String name, String value, long min, long max) {
		String text = value.trim().toLowerCase(Locale.ROOT);
		long unit = 1;
		String[][] suffixes = { { "kib", "1024" }, { "mib", "1048576" }, { "kb", "1000" }, { "mb", "1000000" },
				{ "k", "1024" }, { "m", "1048576" }, { "b", "1" } };
		for (String[] suffix : suffixes) {
			if (text.endsWith(suffix[0])) {
				unit = Long.parseLong(suffix[1]);
				text = text.substring(0, text.length() - suffix[0].length()).trim();
				break;
			}
		}
		long parsed;
		try {
			parsed = Long.parseLong(text) * unit;
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(name + " must be a size such as 64, 16KiB or 1MiB, was: " + value);
		}
		if (parsed < min || parsed > max) {
			throw new IllegalArgumentException(name + " must be between " + min + " and " + max + " bytes, was: "
					+ value);
		}
		return parsed;
	}

	static Duration parseDuration(String name, String value) {
		String text = value.trim().toLowerCase(Locale.ROOT);
		try {
			if (text.endsWith("ms")) {
				return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
			}
			if (text.endsWith("s")) {
				return Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
			}
			if (text.endsWith("m")) {
				return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)) * 60);
			}
			return Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(name + " must be a time such as 500ms, 10s or 2m, was: " + value);
		}
	}

	private static double parseRate(String value) {
		double rate;
		try {
			rate = Double.parseDouble(value.trim().replace("_", ""));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--rate must be a number per second, was: " + value);
		}
		if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
			throw new IllegalArgumentException("--rate must not be negative, was: " + value);
		}
		return rate;
	}

	private static boolean parseBoolean(String name, String value) {
		return switch (value.trim().toLowerCase(Locale.ROOT)) {
			case "true", "yes", "1" -> true;
			case "false", "no", "0" -> false;
			default -> throw new IllegalArgumentException(name + " must be true or false, was: " + value);
		};
	}

	private static ByteOrder parseByteOrder(String value) {
		return switch (value.trim().toLowerCase(Locale.ROOT)) {
			case "big", "big-endian", "big_endian" -> ByteOrder.BIG_ENDIAN;
			case "little", "little-endian", "little_endian" -> ByteOrder.LITTLE_ENDIAN;
			default -> throw new IllegalArgumentException("--byte-order must be big or little, was: " + value);
		};
	}

	private static Transport parseTransport(String value) {
		String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
		if (name.equals("IOURING")) {
			name = "IO_URING";
		}
		try {
			return Transport.valueOf(name);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("--transport must be auto, io_uring, epoll or nio, was: " + value);
		}
	}

	private static List<InetAddress> parseAddresses(String value) {
		List<InetAddress> addresses = new ArrayList<>();
		for (String part : value.split(",")) {
			String address = part.trim();
			if (address.isEmpty()) {
				continue;
			}
			try {
				addresses.add(InetAddress.getByName(address));
			}
			catch (UnknownHostException ex) {
				throw new IllegalArgumentException("--bind: not an address: " + address);
			}
		}
		if (addresses.isEmpty()) {
			throw new IllegalArgumentException("--bind needs at least one address, was: " + value);
		}
		return List.copyOf(addresses);
	}

}
