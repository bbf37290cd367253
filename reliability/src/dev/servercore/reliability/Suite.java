package dev.servercore.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The reliability suite's entry point ({@code reliability/run.sh}): runs the named scenarios (all by default)
 * against servers started from the fat jar, then prints one summary that ends in PASS or FAIL.
 *
 * <pre>
 * reliability/run.sh                      # every scenario at full size, soak 10 minutes
 * reliability/run.sh --quick              # every scenario at a tenth of the size, soak 1 minute
 * reliability/run.sh slowloris flood      # just these
 * reliability/run.sh soak --minutes 30
 * </pre>
 */
public final class Suite {

	static final List<String> SCENARIOS = List.of("scale", "memory", "partial", "reset", "slowloris", "headers",
			"flood", "random", "throw", "sigterm", "soak");

	Path jar;

	Path handler;

	Path out;

	double scale = 1;

	boolean quick;

	double soakMinutes = 10;

	String transport = "auto";

	String leakLevel = "paranoid";

	long fdLimit = -1;

	int[] memorySenders = { 100, 500, 1000, 2000 };

	public static void main(String[] args) throws IOException {
		Suite suite = new Suite();
		List<String> wanted = new ArrayList<>();
		Double minutes = null;
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--jar" -> suite.jar = Path.of(args[++i]);
				case "--handler" -> suite.handler = Path.of(args[++i]);
				case "--out" -> suite.out = Path.of(args[++i]);
				case "--scale" -> suite.scale = Double.parseDouble(args[++i]);
				case "--quick" -> {
					suite.quick = true;
					suite.scale = 0.1;
				}
				case "--minutes" -> minutes = Double.parseDouble(args[++i]);
				case "--transport" -> suite.transport = args[++i];
				case "--leak-detection" -> suite.leakLevel = args[++i];
				case "--fd-limit" -> suite.fdLimit = Long.parseLong(args[++i]);
				case "--senders" -> suite.memorySenders = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt)
					.toArray();
				default -> {
					if (!SCENARIOS.contains(args[i]) && !args[i].equals("all")) {
						System.err.println("Unknown scenario or option: " + args[i] + " (scenarios: " + SCENARIOS + ")");
						System.exit(2);
					}
					if (!args[i].equals("all")) {
						wanted.add(args[i]);
					}
				}
			}
		}
		suite.soakMinutes = (minutes != null) ? minutes : (suite.quick ? 1 : 10);
		if (suite.out == null) {
			suite.out = Path.of("target", "reliability",
					LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
		}
		Files.createDirectories(suite.out);
		System.exit(suite.run(wanted.isEmpty() ? SCENARIOS : wanted) ? 0 : 1);
	}

	boolean run(List<String> names) {
		Scenarios scenarios = new Scenarios(this);
		Map<String, Supplier<List<Result>>> all = new LinkedHashMap<>();
		all.put("scale", scenarios::scale);
		all.put("memory", scenarios::memory);
		all.put("partial", scenarios::partial);
		all.put("reset", scenarios::reset);
		all.put("slowloris", scenarios::slowloris);
		all.put("headers", scenarios::headers);
		all.put("flood", scenarios::flood);
		all.put("random", scenarios::random);
		all.put("throw", scenarios::throwing);
		all.put("sigterm", scenarios::sigterm);
		all.put("soak", () -> new Soak(this).run());
		log("reliability suite: " + names + " (scale " + this.scale + ", soak " + this.soakMinutes + " min, transport "
				+ this.transport + ", leak detection " + this.leakLevel + ", output " + this.out + ", server and control at "
				+ (Proc.raisesPriority() ? "nice -10" : "normal priority (not allowed to raise it)") + ")");
		List<Result> results = new ArrayList<>();
		long suiteStart = System.nanoTime();
		// In the order given (all: the order of SCENARIOS).
		for (String name : names) {
			log("scenario " + name + " ...");
			long start = System.nanoTime();
			List<Result> done;
			try {
				done = all.get(name).get();
			}
			catch (RuntimeException ex) {
				Result broken = new Result(name);
				broken.check(false, "the scenario could not run: " + ex);
				done = List.of(broken);
			}
			long seconds = (System.nanoTime() - start) / 1_000_000_000L;
			String load = Proc.read(Path.of("/proc/loadavg")).split(" ")[0];
			for (Result result : done) {
				result.figure("machine load average (1 min, " + Runtime.getRuntime().availableProcessors() + " CPUs)", load);
				result.seconds = seconds / done.size();
				print(result);
				results.add(result);
			}
		}
		StringBuilder summary = new StringBuilder("\n== reliability suite summary ==\n");
		long failed = results.stream().filter((r) -> !r.passed()).count();
		for (Result result : results) {
			summary.append(String.format("%-24s %s%n", result.name, result.passed() ? "PASS"
					: "FAIL: " + String.join("; ", result.failures)));
		}
		summary.append(String.format("%d scenarios, %d passed, %d failed, %d s; details in %s%n", results.size(),
				results.size() - failed, failed, (System.nanoTime() - suiteStart) / 1_000_000_000L, this.out));
		summary.append((failed == 0 && !results.isEmpty()) ? "PASS" : "FAIL").append('\n');
		System.out.print(summary);
		try {
			Files.writeString(this.out.resolve("summary.txt"), summary);
		}
		catch (IOException ex) {
			System.err.println("cannot write the summary: " + ex);
		}
		return failed == 0 && !results.isEmpty();
	}

	private void print(Result result) {
		StringBuilder text = new StringBuilder();
		text.append(String.format("-- %s: %s (%d s)%n", result.name, result.passed() ? "PASS" : "FAIL", result.seconds));
		result.figures.forEach((key, value) -> text.append("   ").append(key).append(": ").append(value).append('\n'));
		result.failures.forEach((failure) -> text.append("   FAILED: ").append(failure).append('\n'));
		System.out.print(text);
		System.out.flush();
		try {
			Files.writeString(this.out.resolve("results.txt"), text, java.nio.file.StandardOpenOption.CREATE,
					java.nio.file.StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			// the console has it
		}
	}

	static void log(String message) {
		System.out.printf("[%s] %s%n", LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")), message);
		System.out.flush();
	}

}
