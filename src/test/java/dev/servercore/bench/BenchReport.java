package dev.servercore.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns the files of one {@code bench/run.sh} run into one Markdown table: each figure for servercore and
 * the baseline (median of the rounds, each round in brackets), their ratio and the target.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:... dev.servercore.bench.BenchReport target/bench/20250101-120000-io_uring
 * </pre>
 */
public final class BenchReport {

	private static final String SERVERCORE = "servercore";

	private static final String BASELINE = "baseline";

	private static final String TYPED = "typed";

	private static final String LENGTH_PREFIXED = "lp";

	private static final String NATIVE = "native";

	private static final Pattern JSON_FIELD = Pattern.compile("^\\s*\"([^\"]+)\": \"?(.*?)\"?,?$");

	private static final Pattern HISTOGRAM_ROW = Pattern
		.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)(?:\\s+\\(.*\\))?$");

	// Client CPU seconds per second from which the client, not the server, limited a load.
	private static final double CLIENT_BOUND = 0.95;

	// How many classes to list in the held-session breakdown.
	private static final int TOP_CLASSES = 12;

	private final Path dir;

	private final StringBuilder out = new StringBuilder();

	private final List<String> failures = new ArrayList<>();

	private boolean clientBound;

	private BenchReport(Path dir) {
		this.dir = dir;
	}

	public static void main(String[] args) throws IOException {
		if (args.length != 1) {
			System.err.println("usage: BenchReport <results folder>");
			System.exit(2);
		}
		System.out.print(new BenchReport(Path.of(args[0])).render());
	}

	String render() throws IOException {
		Properties run = new Properties();
		try (var reader = Files.newBufferedReader(this.dir.resolve("run.properties"))) {
			run.load(reader);
		}
		line("### " + run.getProperty("transport") + ": servercore against a bare Reactor Netty echo");
		line("");
		line("- date: " + run.getProperty("date") + "; machine: " + run.getProperty("machine"));
		line("- " + run.getProperty("servercore") + "; " + run.getProperty("baseline"));
		line("- client transport " + run.getProperty("client_transport") + "; " + run.getProperty("pinning"));
		line("- " + run.getProperty("rounds") + " rounds of servercore then baseline (A B A B ...), each run "
				+ run.getProperty("warmup") + " warm-up (excluded) + " + run.getProperty("duration")
				+ " measured; figures are the median of the rounds, each round in brackets");
		line("- held sessions: " + run.getProperty("held_rounds") + " rounds, opened at " + run.getProperty("open_rate") + "/s from 4 source addresses, each one echoing "
				+ "one 64 B message, held " + run.getProperty("hold") + "; every round on freshly started servers; "
				+ "live heap from class histograms (full GC, live objects) and VmRSS (heap pre-touched) before and "
				+ "while holding");
		line("- load average (1, 5, 15 min) before: " + run.getProperty("load_before") + ", after: "
				+ run.getProperty("load_after") + "; whole run " + run.getProperty("elapsed_s") + " s");
		line("");
		line("| load | figure | servercore | baseline | servercore / baseline | target |");
		line("| --- | --- | ---: | ---: | ---: | --- |");
		messageLoad("pp1", "1 connection, ping-pong, 64 B", false);
		messageLoad("pp100", "100 connections, ping-pong, 64 B", false);
		messageLoad("pipe100", "100 connections, pipelined 16 x 64 B", false);
		messageLoad("stream4", "4 connections, streaming 16 KiB", true);
		heldSessions(Integer.parseInt(run.getProperty("sessions")));
		line("");
		if (this.failures.isEmpty()) {
			line("Every run: zero mismatches, zero connection errors.");
		}
		else {
			line("Runs that failed (mismatch, connection error or nothing measured): " + String.join(", ",
					this.failures));
		}
		if (this.clientBound) {
			line("");
			line("Client CPU near 1.00 s per second: the one-CPU load client was the limit of that load, so its "
					+ "throughput ratio says less than the server CPU per million messages.");
		}
		nativeComparison(run);
		heldBreakdown(Integer.parseInt(run.getProperty("sessions")));
		typed(run);
		return this.out.toString();
	}

	// servercore and the baseline as a ratio to the C epoll echo, measured in the same rounds (A B C A B C).
	private void nativeComparison(Properties run) throws IOException {
		if (results("pp1", NATIVE).isEmpty()) {
			return;
		}
		line("");
		line("### Against the C epoll echo (" + run.getProperty("transport") + " for the JVM servers)");
		line("");
		line("- " + run.getProperty("native") + " (`bench/echo-epoll.c`), pinned like the JVM servers, a third turn in "
				+ "every round; medians of the rounds");
		line("");
		line("| load | figure | C epoll | servercore / C | baseline / C | target |");
		line("| --- | --- | ---: | ---: | ---: | --- |");
		nativeLoad("pp1", "1 connection, ping-pong, 64 B", "msgs_per_s", "msgs/s", "", "at most 1.10 (servercore)");
		nativeLoad("pp100", "100 connections, ping-pong, 64 B", "msgs_per_s", "msgs/s", "at least 0.95 (servercore)",
				"");
		nativeLoad("pipe100", "100 connections, pipelined 16 x 64 B", "msgs_per_s", "msgs/s",
				"at least 0.95 (servercore)", "");
		nativeLoad("stream4", "4 connections, streaming 16 KiB", "mb_per_s", "MB/s", "at least 0.95 (servercore)", "");
	}

	private void nativeLoad(String load, String title, String throughputKey, String throughputName,
			String throughputTarget, String p50Target) throws IOException {
		List<Map<String, String>> c = results(load, NATIVE);
		if (c.isEmpty()) {
			row(title, "not run", "", "", "", "");
			return;
		}
		List<Map<String, String>> servercore = results(load, SERVERCORE);
		List<Map<String, String>> baseline = results(load, BASELINE);
		nativeFigure(title, throughputName, c, servercore, baseline, (r) -> number(r, throughputKey),
				throughputKey.equals("mb_per_s") ? 1 : 0, throughputTarget);
		nativeFigure("", "latency p50 (us)", c, servercore, baseline, (r) -> number(r, "latency_p50_us"), 1,
				p50Target);
		nativeFigure("", "latency p99 (us)", c, servercore, baseline, (r) -> number(r, "latency_p99_us"), 1, "");
		nativeFigure("", "server CPU s per million msgs", c, servercore, baseline,
				(r) -> number(r, "server_cpu_s_per_million"), 2, "");
	}

	private void nativeFigure(String title, String name, List<Map<String, String>> c,
			List<Map<String, String>> servercore, List<Map<String, String>> baseline,
			ToDoubleFunction<Map<String, String>> value, int decimals, String target) {
		double reference = median(c, value);
		row(title, name, cell(c, value, decimals), ratio(median(servercore, value), reference),
				ratio(median(baseline, value), reference), target);
	}

	private static String ratio(double value, double reference) {
		return (reference != 0 && Double.isFinite(value) && Double.isFinite(reference))
				? String.format(Locale.ROOT, "%.2f", value / reference) : "";
	}

	// Typed packets (a protobuf Echo through the @PacketHandler dispatch) against raw length-prefixed packets.
	private void typed(Properties run) throws IOException {
		if (results("pp100", TYPED).isEmpty()) {
			return;
		}
		line("");
		line("### Typed packets against raw length-prefixed packets (" + run.getProperty("transport") + ")");
		line("");
		line("- " + run.getProperty("typed_servers"));
		line("- typed: the example game server, a 64 B protobuf `Echo` (id 100, 2-byte id field) read, passed to its "
				+ "`@PacketHandler` and written back; raw: servercore's echo with `servercore.framing=length-prefixed`; "
				+ "rounds and medians as above");
		line("");
		line("| load | figure | typed | raw length-prefixed | typed / raw | target |");
		line("| --- | --- | ---: | ---: | ---: | --- |");
		messageLoad("pp100", "100 connections, ping-pong, 64 B", false, TYPED, LENGTH_PREFIXED);
		messageLoad("pipe100", "100 connections, pipelined 16 x 64 B", false, TYPED, LENGTH_PREFIXED);
		line("");
		line("Target: typed at least 0.95 of the raw throughput and at most 1.10 of its server CPU per message.");
	}

	private void messageLoad(String load, String title, boolean stream) throws IOException {
		messageLoad(load, title, stream, SERVERCORE, BASELINE);
	}

	// The first server's figures go in the left column, the second's in the right.
	private void messageLoad(String load, String title, boolean stream, String left, String right)
			throws IOException {
		Map<String, List<Map<String, String>>> runs = Map.of(SERVERCORE, results(load, left), BASELINE,
				results(load, right));
		if (runs.get(SERVERCORE).isEmpty() || runs.get(BASELINE).isEmpty()) {
			row(title, "not run", "", "", "", "");
			return;
		}
		if (stream) {
			figure(title, "MB/s", runs, (r) -> number(r, "mb_per_s"), 1, "at least 0.95");
			figure("", "msgs/s", runs, (r) -> number(r, "msgs_per_s"), 0, "");
		}
		else {
			figure(title, "msgs/s", runs, (r) -> number(r, "msgs_per_s"), 0, "at least 0.95");
		}
		figure("", "latency p50 (us)", runs, (r) -> number(r, "latency_p50_us"), 1, "");
		figure("", "latency p99 (us)", runs, (r) -> number(r, "latency_p99_us"), 1, "at most 1.10");
		figure("", "latency p99.9 (us)", runs, (r) -> number(r, "latency_p999_us"), 1, "");
		figure("", "server CPU s per million msgs", runs, (r) -> number(r, "server_cpu_s_per_million"), 2, "");
		figure("", "client CPU s per second", runs, (r) -> number(r, "client_cpu_s") / number(r, "seconds"), 2, "");
		for (List<Map<String, String>> results : runs.values()) {
			for (Map<String, String> result : results) {
				this.clientBound |= number(result, "client_cpu_s") / number(result, "seconds") >= CLIENT_BOUND;
			}
		}
	}

	private void heldSessions(int sessions) throws IOException {
		Map<String, List<Map<String, String>>> runs = new HashMap<>();
		for (String server : List.of(SERVERCORE, BASELINE)) {
			List<Map<String, String>> merged = new ArrayList<>();
			List<Map<String, String>> results = results("held", server);
			for (int round = 1; round <= results.size(); round++) {
				Map<String, String> result = new HashMap<>(results.get(round - 1));
				Path mem = this.dir.resolve("held-" + server + "-" + round + ".mem");
				if (Files.exists(mem)) {
					Properties props = new Properties();
					try (var reader = Files.newBufferedReader(mem)) {
						props.load(reader);
					}
					props.forEach((key, value) -> result.put((String) key, (String) value));
				}
				merged.add(result);
			}
			runs.put(server, merged);
		}
		String title = String.format(Locale.ROOT, "%,d held sessions", sessions);
		if (runs.get(SERVERCORE).isEmpty() || runs.get(BASELINE).isEmpty()) {
			row(title, "not run", "", "", "", "");
			return;
		}
		figure(title, "sessions held", runs, (r) -> number(r, "held"), 0, "");
		figure("", "live heap per session after GC (KiB)", runs,
				(r) -> (number(r, "heap_after") - number(r, "heap_before")) / number(r, "held") / 1024, 2,
				"servercore at most 3 KiB");
		figure("", "resident memory per session (KiB)", runs,
				(r) -> (number(r, "rss_after_kib") - number(r, "rss_before_kib")) / number(r, "held"), 2, "");
		figure("", "sessions opened per second", runs, (r) -> number(r, "held") / number(r, "open_s"), 0, "");
		figure("", "open + first echo p99 (ms)", runs, (r) -> number(r, "latency_p99_us") / 1000, 2, "");
	}

	// Live heap per held session, by class: the difference between the two class histograms of round 1.
	private void heldBreakdown(int sessions) throws IOException {
		for (String server : List.of(SERVERCORE, BASELINE)) {
			Path before = this.dir.resolve("held-" + server + "-1.histo-before");
			Path after = this.dir.resolve("held-" + server + "-1.histo-after");
			Path mem = this.dir.resolve("held-" + server + "-1.mem");
			if (!Files.exists(before) || !Files.exists(after) || !Files.exists(mem)) {
				continue;
			}
			Properties props = new Properties();
			try (var reader = Files.newBufferedReader(mem)) {
				props.load(reader);
			}
			double held = Double.parseDouble(props.getProperty("held", Integer.toString(sessions)));
			Map<String, long[]> delta = new HashMap<>();
			histogram(before).forEach((name, row) -> delta.put(name, new long[] { -row[0], -row[1] }));
			histogram(after).forEach((name, row) -> {
				long[] d = delta.computeIfAbsent(name, (key) -> new long[2]);
				d[0] += row[0];
				d[1] += row[1];
			});
			line("");
			line(String.format(Locale.ROOT, "Live heap per held session, %s, by class (round 1, %,.0f sessions):",
					server, held));
			line("");
			line("| class | instances per session | bytes per session |");
			line("| --- | ---: | ---: |");
			delta.entrySet()
				.stream()
				.sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
				.limit(TOP_CLASSES)
				.forEach((entry) -> line(String.format(Locale.ROOT, "| `%s` | %.2f | %.0f |", entry.getKey(),
						entry.getValue()[0] / held, entry.getValue()[1] / held)));
		}
	}

	private static Map<String, long[]> histogram(Path file) throws IOException {
		Map<String, long[]> rows = new HashMap<>();
		for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
			Matcher matcher = HISTOGRAM_ROW.matcher(line);
			if (matcher.matches()) {
				rows.merge(matcher.group(3), new long[] { Long.parseLong(matcher.group(1)),
						Long.parseLong(matcher.group(2)) }, (a, b) -> new long[] { a[0] + b[0], a[1] + b[1] });
			}
		}
		return rows;
	}

	private void figure(String title, String name, Map<String, List<Map<String, String>>> runs,
			ToDoubleFunction<Map<String, String>> value, int decimals, String target) {
		double servercore = median(runs.get(SERVERCORE), value);
		double baseline = median(runs.get(BASELINE), value);
		String ratio = (baseline != 0 && Double.isFinite(servercore) && Double.isFinite(baseline))
				? String.format(Locale.ROOT, "%.2f", servercore / baseline) : "";
		row(title, name, cell(runs.get(SERVERCORE), value, decimals), cell(runs.get(BASELINE), value, decimals),
				ratio, target);
	}

	private static String cell(List<Map<String, String>> runs, ToDoubleFunction<Map<String, String>> value,
			int decimals) {
		String format = "%,." + decimals + "f";
		StringBuilder cell = new StringBuilder(String.format(Locale.ROOT, format, median(runs, value)));
		if (runs.size() > 1) {
			cell.append(" (");
			for (int i = 0; i < runs.size(); i++) {
				cell.append((i > 0) ? " / " : "")
					.append(String.format(Locale.ROOT, format, value.applyAsDouble(runs.get(i))));
			}
			cell.append(')');
		}
		return cell.toString();
	}

	// The median resists one disturbed round better than the mean on a shared machine.
	private static double median(List<Map<String, String>> runs, ToDoubleFunction<Map<String, String>> value) {
		double[] values = runs.stream().mapToDouble(value).sorted().toArray();
		if (values.length == 0) {
			return Double.NaN;
		}
		int middle = values.length / 2;
		return (values.length % 2 == 1) ? values[middle] : (values[middle - 1] + values[middle]) / 2;
	}

	private List<Map<String, String>> results(String load, String server) throws IOException {
		List<Map<String, String>> results = new ArrayList<>();
		for (int round = 1;; round++) {
			Path json = this.dir.resolve(load + "-" + server + "-" + round + ".json");
			if (!Files.exists(json)) {
				return results;
			}
			Map<String, String> fields = new LinkedHashMap<>();
			try (Stream<String> lines = Files.lines(json, StandardCharsets.UTF_8)) {
				lines.forEach((line) -> {
					Matcher matcher = JSON_FIELD.matcher(line);
					if (matcher.matches()) {
						fields.put(matcher.group(1), matcher.group(2));
					}
				});
			}
			if (!"true".equals(fields.get("success"))) {
				this.failures.add(json.getFileName().toString());
			}
			results.add(fields);
		}
	}

	private static double number(Map<String, String> result, String key) {
		String value = result.get(key);
		if (value == null || value.equals("null") || value.isEmpty()) {
			return Double.NaN;
		}
		return Double.parseDouble(value);
	}

	private void row(String... cells) {
		line("| " + String.join(" | ", cells) + " |");
	}

	private void line(String text) {
		this.out.append(text).append('\n');
	}

}
