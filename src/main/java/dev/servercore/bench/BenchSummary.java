package dev.servercore.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.servercore.core.Transport;
import org.HdrHistogram.Histogram;

/**
 * The results of one load-client run: what was measured after the warm-up, printed as a table, and written
 * on request as JSON and as an HdrHistogram percentile file ({@code .hgrm}).
 */
public final class BenchSummary {

	private final BenchOptions options;

	private final Transport transport;

	private final double seconds;

	private final long messages;

	private final long bytes;

	private final long mismatches;

	private final long errors;

	private final List<String> firstErrors;

	private final Histogram latency;

	private final int connections;

	private final int held;

	private final double openSeconds;

	private final double serverCpuSeconds;

	private final double clientCpuSeconds;

	BenchSummary(BenchOptions options, Transport transport, double seconds, long messages, long bytes,
			long mismatches, long errors, List<String> firstErrors, Histogram latency, int connections, int held,
			double openSeconds, double serverCpuSeconds, double clientCpuSeconds) {
		this.options = options;
		this.transport = transport;
		this.seconds = seconds;
		this.messages = messages;
		this.bytes = bytes;
		this.mismatches = mismatches;
		this.errors = errors;
		this.firstErrors = firstErrors;
		this.latency = latency;
		this.connections = connections;
		this.held = held;
		this.openSeconds = openSeconds;
		this.serverCpuSeconds = serverCpuSeconds;
		this.clientCpuSeconds = clientCpuSeconds;
	}

	/**
	 * Returns the messages completed (echoed and checked) in the measured period; in connect mode, the
	 * sessions that completed their first echo.
	 * @return the message count
	 */
	public long messages() {
		return this.messages;
	}

	/**
	 * Returns the echoed bytes in the measured period, headers included.
	 * @return the byte count
	 */
	public long bytes() {
		return this.bytes;
	}

	/**
	 * Returns the messages whose echo differed from what was sent, plus reads that matched no message sent;
	 * counted over the whole run, warm-up included.
	 * @return the mismatch count
	 */
	public long mismatches() {
		return this.mismatches;
	}

	/**
	 * Returns the connection errors: failed connects, resets, and connections closed by the server.
	 * @return the error count
	 */
	public long errors() {
		return this.errors;
	}

	/**
	 * Returns the first few error messages.
	 * @return the errors, at most five
	 */
	public List<String> firstErrors() {
		return this.firstErrors;
	}

	/**
	 * Returns the measured time in seconds (the time to open every session, in connect mode).
	 * @return the measured time
	 */
	public double seconds() {
		return this.seconds;
	}

	/**
	 * Returns the throughput.
	 * @return messages per second
	 */
	public double messagesPerSecond() {
		return (this.seconds > 0) ? this.messages / this.seconds : 0;
	}

	/**
	 * Returns the echoed bytes per second, in MB (10^6 bytes).
	 * @return megabytes per second
	 */
	public double megabytesPerSecond() {
		return (this.seconds > 0) ? this.bytes / this.seconds / 1e6 : 0;
	}

	/**
	 * Returns the sessions open at the end.
	 * @return the open connection count
	 */
	public int held() {
		return this.held;
	}

	/**
	 * Returns a copy of the latency histogram, in nanoseconds.
	 * @return the latencies
	 */
	public Histogram latency() {
		return this.latency.copy();
	}

	/**
	 * Returns the latency at a percentile.
	 * @param percentile for example 99.9
	 * @return the latency in microseconds
	 */
	public double latencyMicros(double percentile) {
		return this.latency.getValueAtPercentile(percentile) / 1000.0;
	}

	/**
	 * Returns whether latency counts from each message's intended send time rather than its actual one.
	 * @return {@code true} when a rate was set
	 */
	public boolean correctedForCoordinatedOmission() {
		return this.options.rate() > 0;
	}

	/**
	 * Returns whether the run went right: something completed, nothing mismatched, no connection failed.
	 * @return {@code true} on success
	 */
	public boolean isSuccess() {
		return this.messages > 0 && this.mismatches == 0 && this.errors == 0;
	}

	/**
	 * Returns the process exit status for this run.
	 * @return 0 on success, 1 otherwise
	 */
	public int exitStatus() {
		return isSuccess() ? 0 : 1;
	}

	/**
	 * Prints the summary table.
	 * @param out where to print
	 */
	public void print(PrintStream out) {
		BenchMode mode = this.options.mode();
		out.println();
		out.printf("servercore bench: %s, %d connection%s, %d B payload, %s framing, client %s%n", describeMode(),
				this.options.connections(), (this.options.connections() == 1) ? "" : "s", this.options.size(),
				this.options.format(), this.transport.displayName());
		out.printf("  target              %s:%d%s%s%n", this.options.host(), this.options.port(),
				this.options.bind().isEmpty() ? "" : " from " + this.options.bind().size() + " source addresses",
				this.options.tls() ? " over TLS" : "");
		if (mode == BenchMode.CONNECT) {
			out.printf("  sessions            %,d opened of %,d in %.2f s (%,.0f/s), %,d held at the end%n",
					this.messages, this.options.connections(), this.openSeconds,
					(this.openSeconds > 0) ? this.messages / this.openSeconds : 0, this.held);
			out.printf("  open latency (us)   %s%s%n", percentiles(),
					correctedForCoordinatedOmission() ? "  (from the intended connect time)" : "");
		}
		else {
			out.printf("  measured            %.2f s after %s warm-up, %d of %d connections open at the end%n",
					this.seconds, LoadClient.format(this.options.warmup()), this.held, this.connections);
			out.printf("  messages            %,d  (%,.0f msgs/s, %,.1f MB/s)%n", this.messages,
					messagesPerSecond(), megabytesPerSecond());
			out.printf("  latency (us)        %s%s%n", percentiles(),
					correctedForCoordinatedOmission() ? "  (from the intended send time: coordinated omission corrected)"
							: "");
		}
		out.printf("  mismatches          %,d%n", this.mismatches);
		out.printf("  errors              %,d%n", this.errors);
		for (String error : this.firstErrors) {
			out.printf("                      %s%n", error);
		}
		if (this.serverCpuSeconds >= 0) {
			out.printf("  server CPU          %.2f s%s%n", this.serverCpuSeconds, (mode != BenchMode.CONNECT
					&& this.messages > 0)
							? String.format(Locale.ROOT, " (%.2f s per million messages)", serverCpuPerMillion())
							: "");
		}
		if (this.clientCpuSeconds >= 0) {
			out.printf("  client CPU          %.2f s%n", this.clientCpuSeconds);
		}
		out.printf("  result              %s%n", isSuccess() ? "OK" : "FAILED");
		out.flush();
	}

	/**
	 * Writes the summary as one JSON object.
	 * @param file the file to write
	 * @throws IOException if it cannot be written
	 */
	public void writeJson(Path file) throws IOException {
		StringBuilder json = new StringBuilder(1024).append("{\n");
		field(json, "mode", this.options.mode().displayName());
		field(json, "host", this.options.host());
		field(json, "port", this.options.port());
		field(json, "connections", this.options.connections());
		field(json, "size", this.options.size());
		field(json, "in_flight_per_connection", this.options.depth());
		field(json, "framing", this.options.format().toString());
		field(json, "transport", this.transport.displayName());
		field(json, "rate", this.options.rate());
		field(json, "warmup_s", this.options.warmup().toMillis() / 1000.0);
		field(json, "seconds", this.seconds);
		field(json, "messages", this.messages);
		field(json, "bytes", this.bytes);
		field(json, "msgs_per_s", messagesPerSecond());
		field(json, "mb_per_s", megabytesPerSecond());
		field(json, "latency_p50_us", latencyMicros(50));
		field(json, "latency_p90_us", latencyMicros(90));
		field(json, "latency_p99_us", latencyMicros(99));
		field(json, "latency_p999_us", latencyMicros(99.9));
		field(json, "latency_max_us", this.latency.getMaxValue() / 1000.0);
		field(json, "latency_mean_us", this.latency.getMean() / 1000.0);
		field(json, "co_corrected", correctedForCoordinatedOmission());
		field(json, "mismatches", this.mismatches);
		field(json, "errors", this.errors);
		field(json, "held", this.held);
		field(json, "open_s", this.openSeconds);
		field(json, "server_cpu_s", this.serverCpuSeconds);
		field(json, "server_cpu_s_per_million", serverCpuPerMillion());
		field(json, "client_cpu_s", this.clientCpuSeconds);
		json.append("  \"success\": ").append(isSuccess()).append("\n}\n");
		Files.writeString(file, json, StandardCharsets.UTF_8);
	}

	/**
	 * Writes the latency percentile distribution in HdrHistogram's text format, in microseconds.
	 * @param file the file to write
	 * @throws IOException if it cannot be written
	 */
	public void writeHgrm(Path file) throws IOException {
		try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
			this.latency.outputPercentileDistribution(out, 1000.0);
		}
	}

	private double serverCpuPerMillion() {
		return (this.serverCpuSeconds >= 0 && this.messages > 0) ? this.serverCpuSeconds * 1e6 / this.messages : -1;
	}

	private String describeMode() {
		return switch (this.options.mode()) {
			case PIPELINED -> "pipelined x" + this.options.pipeline();
			case STREAM -> "stream (window " + this.options.window() / 1024 + " KiB)";
			default -> this.options.mode().displayName();
		} + ((this.options.rate() > 0) ? String.format(Locale.ROOT, " at %,.0f/s", this.options.rate()) : "");
	}

	private String percentiles() {
		if (this.latency.getTotalCount() == 0) {
			return "none recorded";
		}
		return "p50 " + micros(this.latency.getValueAtPercentile(50)) + "  p90 "
				+ micros(this.latency.getValueAtPercentile(90)) + "  p99 "
				+ micros(this.latency.getValueAtPercentile(99)) + "  p99.9 "
				+ micros(this.latency.getValueAtPercentile(99.9)) + "  max " + micros(this.latency.getMaxValue());
	}

	static String micros(long nanos) {
		return String.format(Locale.ROOT, "%.1f", nanos / 1000.0);
	}

	private static void field(StringBuilder json, String name, Object value) {
		json.append("  \"").append(name).append("\": ");
		if (value instanceof String text) {
			json.append('"').append(text.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
		}
		else if (value instanceof Double number) {
			json.append(Double.isFinite(number) ? String.format(Locale.ROOT, "%.3f", number) : "null");
		}
		else {
			json.append(value);
		}
		json.append(",\n");
	}

}
