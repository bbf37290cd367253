package dev.servercore.reliability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The client processes of a scenario, started from the same jar: the well-behaved control client (the load
 * client, {@code bench}) and the hostile ones ({@code attack}).
 */
final class Clients {

	private static final List<String> CLIENT_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC");

	// Echoes in flight per control connection: more than two seconds of its schedule at 50 per second.
	private static final int CONTROL_IN_FLIGHT = 128;

	// The control client's own first second (class loading, JIT, connecting) is not the server's stall.
	private static final int CONTROL_WARMUP_SECONDS = 1;

	/** Source addresses for large runs: each has its own range of ephemeral ports. */
	static final String BIND = "127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5";

	private Clients() {
	}

	/**
	 * A running control client (by default 2 connections, 100 echoes per second), every byte checked. It sends on
	 * its schedule whether or not the answers before have come, as a game client sends its inputs: each echo's
	 * wait counts from its intended send time, so a server stall shows in full, and only once. A ping-pong client
	 * (one echo in flight) would add its own queue: after a 0.54 s stall it sent the 27 echoes that fell due one
	 * by one, each a round trip after the other, and reported 1.14 s (seen in a packet capture).
	 */
	record Control(Process process, Path log, Path json, long seconds) {

		/** Waits for the end and checks: no error, no lost or changed byte, no round trip over 1 s. */
		void finish(Result result) {
			if (!Proc.waitFor(this.process, this.seconds + CONTROL_WARMUP_SECONDS + 60)) {
				Proc.kill(this.process);
				result.check(false, "control client did not finish");
				return;
			}
			Map<String, String> summary = Proc.flatJson(this.json);
			if (summary.isEmpty()) {
				result.check(false, "control client wrote no summary (see " + this.log + ")");
				return;
			}
			long messages = (long) Double.parseDouble(summary.get("messages"));
			long mismatches = (long) Double.parseDouble(summary.get("mismatches"));
			long errors = (long) Double.parseDouble(summary.get("errors"));
			double maxMs = Double.parseDouble(summary.get("latency_max_us").replace("null", "-1")) / 1000;
			double p99Ms = Double.parseDouble(summary.get("latency_p99_us").replace("null", "-1")) / 1000;
			result.figure("control: echoes / errors / mismatches / round trip p99, max",
					String.format("%,d / %d / %d / %.1f ms, %.1f ms", messages, errors, mismatches, p99Ms, maxMs));
			result.check(messages > 0, "control client: no echo completed");
			result.check(errors == 0, "control client: " + errors + " connection errors");
			result.check(mismatches == 0, "control client: " + mismatches + " lost or changed bytes");
			result.check(maxMs <= 1000, String.format("control client: an echo waited %.0f ms (> 1 s)", maxMs));
		}
	}

	static Control control(Suite suite, Server server, String name, long seconds) {
		return control(suite, server, name, seconds, 2, 100);
	}

	static Control control(Suite suite, Server server, String name, long seconds, int connections, int rate) {
		Path log = suite.out.resolve(name + "-control.log");
		Path json = suite.out.resolve(name + "-control.json");
		List<String> args = new ArrayList<>(List.of("-jar", suite.jar.toString(), "bench", "--host", "127.0.0.1",
				"--port", Integer.toString(server.port), "--connections", Integer.toString(connections), "--rate",
				Integer.toString(rate), "--pipeline", Integer.toString(CONTROL_IN_FLIGHT), "--size", "64",
				"--duration", seconds + "s", "--warmup", CONTROL_WARMUP_SECONDS + "s", "--no-progress", "--json",
				json.toString()));
		if (server.framing.equals("length-prefixed")) {
			args.addAll(List.of("--framing", "length-prefixed"));
		}
		return new Control(Proc.measuredJava(CLIENT_JVM, args, log), log, json, seconds);
	}

	/** A running hostile client. */
	record Attack(Process process, Path log) {

		/** Waits up to {@code seconds} for its summary; kills it after that. */
		Map<String, String> await(long seconds) {
			if (!Proc.waitFor(this.process, seconds)) {
				Proc.kill(this.process);
			}
			return Proc.summaryLine(this.log, "attack summary:");
		}

		void stop() {
			this.process.destroy();
			Proc.waitFor(this.process, 15);
			Proc.kill(this.process);
		}
	}

	static Attack attack(Suite suite, Server server, String name, String... options) {
		Path log = suite.out.resolve(name + ".log");
		List<String> args = new ArrayList<>(List.of("-jar", suite.jar.toString(), "attack", "--host", "127.0.0.1",
				"--port", Integer.toString(server.port)));
		if (server.framing.equals("length-prefixed") && !List.of(options).contains("--framing")) {
			args.addAll(List.of("--framing", "length-prefixed"));
		}
		// Checked here: an io_uring client saw the server's FIN of a lingering close only at its final close, 5 s
		// later; epoll sees it at once, so the close times measured are the server's.
		if (!List.of(options).contains("--transport")) {
			args.addAll(List.of("--transport", "epoll"));
		}
		args.addAll(List.of(options));
		return new Attack(Proc.java(CLIENT_JVM, args, log), log);
	}

	static long number(Map<String, String> summary, String key) {
		String value = summary.get(key);
		return (value == null) ? -1 : (long) Double.parseDouble(value);
	}

}
