package dev.servercore.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The suite's scenarios. Each starts its own server (so that one that breaks the server cannot spoil the
 * next), runs a control client beside the hostile ones, and ends with {@link Checks#afterScenario}.
 */
final class Scenarios {

	private final Suite suite;

	Scenarios(Suite suite) {
		this.suite = suite;
	}

	private int n(int full) {
		return Math.max(1, (int) Math.round(full * this.suite.scale));
	}

	private long secs(long full, long quick) {
		return this.suite.quick ? quick : full;
	}

	// Starts a server, warms it with a short control run and takes the baseline after a full GC.
	private Server.Baseline warm(Server server) {
		Clients.Control warmup = Clients.control(this.suite, server, server.name + "-warmup", 2);
		Proc.waitFor(warmup.process(), 60);
		return server.measure();
	}

	private static long num(Map<String, String> summary, String key) {
		return Clients.number(summary, key);
	}

	private static void attackFigure(Result result, String label, Map<String, String> summary) {
		result.figure(label, summary.isEmpty() ? "no summary" : summary.toString());
	}

	// scale: 10,000 sessions with an echo each, then up to the descriptor limit.
	List<Result> scale() {
		Result result = new Result("scale");
		int first = n(10_000);
		int second = n(10_000);
		Server server = Server.start(this.suite, "scale",
				List.of("servercore.limits.max-sessions=30000", "servercore.limits.idle-timeout=0",
						// The heap's pages resident from the start: resident memory then grows by what sessions add.
						"-XX:+AlwaysPreTouch"), false);
		try {
			Server.Baseline base = warm(server);
			long hold = 100;
			Clients.Control control = Clients.control(this.suite, server, "scale", hold + 20);
			// Both clients end at this wall-clock time, so that their sessions close together.
			long until = System.currentTimeMillis() + hold * 1000;
			long end = System.nanoTime() + hold * 1_000_000_000L;
			Clients.Attack a1 = Clients.attack(this.suite, server, "scale-attack-1", "--mode", "hold", "--size", "64",
					"--connections", Integer.toString(first), "--bind", Clients.BIND, "--duration", (hold + 30) + "s",
					"--until", Long.toString(until));
			long opened = waitForSessions(server, first + 2, 120);
			Server.Baseline held = server.measure();
			long sessions = server.scrape().sessions() - 2;
			result.figure("sessions held (first step)", sessions);
			result.figure("heap per session (after GC)", String.format("%.2f KiB", (held.heap() - base.heap()) / 1024.0 / Math.max(1, sessions)));
			result.figure("resident memory per session", String.format("%.2f KiB", (held.rss() - base.rss()) / 1024.0 / Math.max(1, sessions)));
			result.check(opened >= first + 2, "only " + opened + " of " + first + " sessions opened");
			// Second step: 10,000 more (another process, its own descriptors) against the server's descriptor limit.
			long remaining = Math.max(5, (end - System.nanoTime()) / 1_000_000_000L);
			Clients.Attack a2 = Clients.attack(this.suite, server, "scale-attack-2", "--mode", "hold", "--size", "64",
					"--connections", Integer.toString(second), "--bind", Clients.BIND, "--duration", (hold + 30) + "s",
					"--until", Long.toString(until), "--connect-timeout", "5s");
			// The second client has started once the count moves past the first step; then it settles.
			waitForSessions(server, first + 3, 60);
			waitForStable(server, Math.max(5, Math.min(remaining - 15, 40)));
			long cpu0 = Proc.cpuTicks(server.pid);
			long t0 = System.nanoTime();
			Proc.sleep(5000);
			double cpu = (Proc.cpuTicks(server.pid) - cpu0) / ((System.nanoTime() - t0) / 1e7);
			long healthStart = System.nanoTime();
			int health = server.healthStatusOnNewConnection();
			long healthMs = (System.nanoTime() - healthStart) / 1_000_000;
			Metrics atLimit = server.scrape();
			result.figure("sessions held at the descriptor limit (attempted " + (first + second) + ")",
					atLimit.isEmpty() ? "Actuator did not answer" : Long.toString(atLimit.sessions() - 2));
			result.figure("server descriptors at the limit (ulimit -n " + this.suite.fdLimit + ")", Proc.fds(server.pid));
			result.figure("server CPU while holding at the limit", String.format("%.0f%% of a core", cpu * 100));
			result.figure("health at the limit (new HTTP connection)", health + " in " + healthMs + " ms");
			result.check(health > 0, "Actuator did not answer at the descriptor limit");
			result.check(!atLimit.isEmpty(), "Prometheus scrape failed at the descriptor limit");
			result.check(cpu < 0.5, String.format("server spins at the descriptor limit: %.0f%% of a core while idle", cpu * 100));
			// Both clients close their connections at about the same moment, when their runs end: from the
			// first session the server loses to the last.
			long plateau = server.scrape().sessions();
			waitForSessions(server, plateau - 1, 120, true);
			long closeStart = System.nanoTime();
			long left = waitForSessions(server, 2, 60, true);
			result.figure("time to close all sessions (first close to last)",
					String.format("%.1f s for %d", (System.nanoTime() - closeStart) / 1e9, plateau - 2));
			result.check(left <= 2, (left - 2) + " sessions still open 60 s after their clients closed");
			Map<String, String> s1 = a1.await(120);
			Map<String, String> s2 = a2.await(120);
			double openSeconds = Double.parseDouble(s1.getOrDefault("open_s", "-1"));
			result.figure("accept rate (first step, as the client saw it)", String.format("%,.0f sessions/s (%d in %.1f s)",
					first / openSeconds, first, openSeconds));
			attackFigure(result, "first step client", s1);
			attackFigure(result, "second step client", s2);
			result.check(num(s1, "echoed") == first, "echo on each session: " + num(s1, "echoed") + " of " + first);
			result.check(num(s1, "mismatches") == 0 && num(s2, "mismatches") == 0, "echo bytes changed");
			control.finish(result);
			Checks.afterScenario(this.suite, result, server, base);
		}
		finally {
			server.stop();
		}
		return List.of(result);
	}

	private static long waitForSessions(Server server, long wanted, long seconds) {
		return waitForSessions(server, wanted, seconds, false);
	}

	// Polls the active-session gauge until it reaches (or, going down, falls to) the wanted count.
	private static long waitForSessions(Server server, long wanted, long seconds, boolean down) {
		long deadline = System.nanoTime() + seconds * 1_000_000_000L;
		long sessions = -1;
		while (System.nanoTime() < deadline) {
			sessions = server.scrape().sessions();
			if (down ? (sessions >= 0 && sessions <= wanted) : sessions >= wanted) {
				break;
			}
			Proc.sleep(100);
		}
		return sessions;
	}

	// Waits until the session count has not changed for 3 s.
	private static void waitForStable(Server server, long seconds) {
		long deadline = System.nanoTime() + seconds * 1_000_000_000L;
		long last = -2;
		long stableSince = System.nanoTime();
		while (System.nanoTime() < deadline) {
			long sessions = server.scrape().sessions();
			if (sessions != last) {
				last = sessions;
				stableSince = System.nanoTime();
			}
			else if (System.nanoTime() - stableSince > 3_000_000_000L) {
				return;
			}
			Proc.sleep(250);
		}
	}

	// memory attack: never-reading senders, one burst then reconnecting (on the same server), -Xmx512m.
	List<Result> memory() {
		List<Result> results = new ArrayList<>();
		long duration = secs(15, 10);
		for (int full : this.suite.memorySenders) {
			int senders = n(full);
			Server server = Server.start(this.suite, "memory-" + full, List.of(), false);
			try {
				Server.Baseline base = warm(server);
				for (String kind : new String[] { "burst", "reconnect" }) {
					Result result = new Result("memory-" + full + "-" + kind);
					results.add(result);
					if (!server.process.isAlive()) {
						result.check(false, "the server died in the burst before");
						continue;
					}
					Metrics before = server.scrape();
					Clients.Control control = Clients.control(this.suite, server, result.name, duration + 5);
					Map<String, String> summary;
					try (Checks.Sampler sampler = new Checks.Sampler(server)) {
						// The attackers' own send buffers are bounded: on a real network they fill the attackers'
						// hosts, here they would push this one host's TCP memory (net.ipv4.tcp_mem) into pressure,
						// which drops the control's packets too.
						List<String> args = new ArrayList<>(List.of("--mode", "no-read", "--size", "16KiB",
								"--connections", Integer.toString(senders), "--bind", Clients.BIND, "--duration",
								duration + "s", "--send-buffer", "64KiB"));
						if (kind.equals("reconnect")) {
							args.add("--reconnect");
						}
						summary = Clients.attack(this.suite, server, result.name + "-attack", args.toArray(String[]::new))
							.await(duration + 60);
						sampler.close();
						sampler.report(result);
					}
					Metrics after = server.scrape();
					result.figure("senders", senders + ((kind.equals("burst")) ? ", once" : ", reconnecting for " + duration + " s"));
					result.figure("connections / closed by server / SLOW_CONSUMER closes", num(summary, "connected") + " / "
							+ num(summary, "closed_by_server") + " / "
							+ (after.closed("SLOW_CONSUMER") - before.closed("SLOW_CONSUMER")));
					result.figure("bytes sent by the attackers", String.format("%,d", num(summary, "bytes_sent")));
					result.check(num(summary, "connected") >= senders,
							"the attack did not happen: " + num(summary, "connected") + " of " + senders + " connected");
					control.finish(result);
					Checks.afterScenario(this.suite, result, server, base);
				}
			}
			finally {
				server.stop();
			}
		}
		return results;
	}

	// partial packets: every session holds an unfinished 64 KiB packet and trickles to beat the idle timeout.
	List<Result> partial() {
		Result result = new Result("partial");
		int sessions = n(10_000);
		long duration = secs(45, 30);
		Server server = Server.start(this.suite, "partial", List.of("servercore.framing=length-prefixed",
				"servercore.limits.max-sessions=12000", "servercore.limits.idle-timeout=10s",
				"servercore.packet.assembly-timeout=20s"), false);
		try {
			Server.Baseline base = warm(server);
			Clients.Control control = Clients.control(this.suite, server, "partial", duration + 5);
			Map<String, String> summary;
			try (Checks.Sampler sampler = new Checks.Sampler(server)) {
				summary = Clients.attack(this.suite, server, "partial-attack", "--mode", "hold", "--connections",
						Integer.toString(sessions), "--announce", "65536", "--send", "60004", "--interval", "5s",
						"--bind", Clients.BIND, "--duration", duration + "s").await(duration + 60);
				sampler.close();
				sampler.report(result);
			}
			attackFigure(result, "attack client", summary);
			result.figure("sessions / closed by server / still open at the end", num(summary, "connected") + " / "
					+ num(summary, "closed_by_server") + " / " + num(summary, "open_at_end"));
			result.check(num(summary, "connected") == sessions,
					"the attack did not happen: " + num(summary, "connected") + " of " + sessions + " connected");
			result.check(num(summary, "open_at_end") == 0, num(summary, "open_at_end")
					+ " sessions still held an unfinished packet after " + duration + " s (assembly timeout 20 s)");
			control.finish(result);
			Checks.afterScenario(this.suite, result, server, base);
		}
		finally {
			server.stop();
		}
		return List.of(result);
	}

	// reset storm: 2,000 connections x 4 rounds, each reset (half of them with data unread), per transport.
	List<Result> reset() {
		List<Result> results = new ArrayList<>();
		for (String transport : new String[] { "io_uring", "epoll", "nio" }) {
			Result result = new Result("reset-" + transport);
			Server server = Server.start(this.suite, result.name, List.of("servercore.io.transport=" + transport), false);
			try {
				Server.Baseline base = warm(server);
				Metrics before = server.scrape();
				Clients.Control control = Clients.control(this.suite, server, result.name, secs(20, 10));
				Map<String, String> summary = Clients.attack(this.suite, server, result.name + "-attack", "--mode",
						"reset", "--connections", Integer.toString(n(2000)), "--rounds", "4", "--size", "1KiB", "--bind",
						Clients.BIND, "--duration", "120s").await(180);
				control.finish(result);
				Proc.sleep(2000);
				Metrics after = server.scrape();
				long resets = after.closed("RESET") - before.closed("RESET");
				long peer = after.closed("PEER_CLOSED") - before.closed("PEER_CLOSED");
				long idle = after.closed("IDLE_TIMEOUT") - before.closed("IDLE_TIMEOUT");
				result.figure("resets sent", num(summary, "resets_sent"));
				result.check(num(summary, "resets_sent") == 4L * n(2000),
						"only " + num(summary, "resets_sent") + " of " + 4 * n(2000) + " resets sent");
				result.figure("server closes: RESET / PEER_CLOSED / IDLE_TIMEOUT", resets + " / " + peer + " / " + idle);
				Checks.afterScenario(this.suite, result, server, base);
			}
			finally {
				server.stop();
			}
			results.add(result);
		}
		return results;
	}

	// slowloris: silent, one byte per 10 s, half a header; all must be closed within the run.
	List<Result> slowloris() {
		Result result = new Result("slowloris");
		int each = n(1000);
		long duration = 50;
		Server server = Server.start(this.suite, "slowloris", List.of("servercore.framing=length-prefixed",
				"servercore.limits.idle-timeout=15s", "servercore.packet.assembly-timeout=20s"), false);
		try {
			Server.Baseline base = warm(server);
			Clients.Control control = Clients.control(this.suite, server, "slowloris", duration);
			Clients.Attack silent = Clients.attack(this.suite, server, "slowloris-silent", "--mode", "hold", "--size", "0",
					"--connections", Integer.toString(each), "--duration", duration + "s", "--bind", Clients.BIND);
			Clients.Attack trickle = Clients.attack(this.suite, server, "slowloris-trickle", "--mode", "hold", "--announce",
					"1000", "--send", "0", "--interval", "10s", "--connections", Integer.toString(each), "--duration",
					duration + "s", "--bind", Clients.BIND);
			Clients.Attack half = Clients.attack(this.suite, server, "slowloris-half-header", "--mode", "hold", "--announce",
					"100", "--send", "2", "--connections", Integer.toString(each), "--duration", duration + "s", "--bind",
					Clients.BIND);
			for (Object[] kind : new Object[][] { { "silent", silent }, { "1 byte per 10 s", trickle },
					{ "half header", half } }) {
				Map<String, String> summary = ((Clients.Attack) kind[1]).await(duration + 60);
				result.figure(kind[0] + ": connected / closed by server / open at end / close after p50, max",
						num(summary, "connected") + " / " + num(summary, "closed_by_server") + " / "
								+ num(summary, "open_at_end") + " / " + num(summary, "close_after_p50_ms") + " ms, "
								+ num(summary, "close_after_max_ms") + " ms");
				result.check(num(summary, "connected") == each && num(summary, "open_at_end") == 0,
						kind[0] + ": " + num(summary, "open_at_end") + " of " + each + " still open after " + duration + " s");
			}
			control.finish(result);
			Checks.afterScenario(this.suite, result, server, base);
		}
		finally {
			server.stop();
		}
		return List.of(result);
	}

	// 2 GiB and negative headers: closed at once, never buffered.
	List<Result> headers() {
		Result result = new Result("headers");
		int each = n(300);
		Server server = Server.start(this.suite, "headers", List.of("servercore.framing=length-prefixed"), false);
		try {
			Server.Baseline base = warm(server);
			Metrics before = server.scrape();
			Clients.Control control = Clients.control(this.suite, server, "headers", 15);
			for (String[] header : new String[][] { { "2 GiB - 1 (0x7FFFFFFF)", "2147483647" },
					{ "2 GiB (0x80000000, negative as int32)", "2147483648" }, { "-1 (0xFFFFFFFF)", "-1" } }) {
				Map<String, String> summary = Clients.attack(this.suite, server, "headers-" + header[1], "--mode", "hold",
						"--header-value", header[1], "--size", "16", "--connections", Integer.toString(each), "--duration",
						"10s").await(60);
				result.figure(header[0] + ": closed by server / open at end / close after max",
						num(summary, "closed_by_server") + " / " + num(summary, "open_at_end") + " / "
								+ num(summary, "close_after_max_ms") + " ms");
				result.check(num(summary, "closed_by_server") == each, header[0] + ": only "
						+ num(summary, "closed_by_server") + " of " + each + " closed by the server");
			}
			Metrics after = server.scrape();
			result.figure("server closes: FRAME_TOO_LARGE / PROTOCOL_ERROR",
					(after.closed("FRAME_TOO_LARGE") - before.closed("FRAME_TOO_LARGE")) + " / "
							+ (after.closed("PROTOCOL_ERROR") - before.closed("PROTOCOL_ERROR")));
			control.finish(result);
			Checks.afterScenario(this.suite, result, server, base);
		}
		finally {
			server.stop();
		}
		return List.of(result);
	}

	// connection flood at 10x the session limit: exactly the limit held, the rest refused and counted.
	List<Result> flood() {
		Result result = new Result("flood");
		int limit = n(1000);
		Server server = Server.start(this.suite, "flood",
				List.of("servercore.limits.max-sessions=" + limit), false);
		try {
			Server.Baseline base = warm(server);
			Metrics before = server.scrape();
			Clients.Control control = Clients.control(this.suite, server, "flood", 25);
			Proc.sleep(1000);
			Map<String, String> summary = Clients.attack(this.suite, server, "flood-attack", "--mode", "hold", "--size",
					"0", "--connections", Integer.toString(limit * 10), "--bind", Clients.BIND, "--duration", "20s")
				.await(80);
			Metrics after = server.scrape();
			long rejected = after.rejected() - before.rejected();
			long held = num(summary, "open_at_end");
			result.figure("attempted / held / closed by server / rejected (metric)", num(summary, "attempted") + " / "
					+ held + " / " + num(summary, "closed_by_server") + " / " + rejected);
			result.check(held == limit - 2, "held " + held + " sessions, expected the limit " + limit + " less 2 control");
			result.check(rejected == num(summary, "closed_by_server"),
					"rejected counter " + rejected + " differs from connections closed " + num(summary, "closed_by_server"));
			control.finish(result);
			Checks.afterScenario(this.suite, result, server, base);
		}
		finally {
			server.stop();
		}
		return List.of(result);
	}

	// random bytes from 100 clients (length-prefixed framing: random headers), reconnecting.
	List<Result> random() {
		Result result = new Result("random");
		Server server = Server.start(this.suite, "random", List.of("servercore.framing=length-prefixed"), false);
		try {
			Server.Baseline base = warm(server);
			Metrics before = server.scrape();
			long duration = secs(20, 10);
			Clients.Control control = Clients.control(this.suite, server, "random", duration + 3);
			Map<String, String> summary = Clients.attack(this.suite, server, "random-attack", "--mode", "random",
					"--connections", Integer.toString(n(100)), "--size", "512", "--interval", "20ms", "--reconnect",
					"--duration", duration + "s").await(duration + 60);
			Metrics after = server.scrape();
			result.check(num(summary, "connected") >= n(100), "the attack did not happen: " + num(summary, "connected")
					+ " connected");
			result.figure("connections / closed by server / bytes sent", num(summary, "connected") + " / "
					+ num(summary, "closed_by_server") + " / " + String.format("%,d", num(summary, "bytes_sent")));
			result.figure("server closes: FRAME_TOO_LARGE / PROTOCOL_ERROR",
					(after.closed("FRAME_TOO_LARGE") - before.closed("FRAME_TOO_LARGE")) + " / "
							+ (after.closed("PROTOCOL_ERROR") - before.closed("PROTOCOL_ERROR")));
			control.finish(result);
			Checks.afterScenario(this.suite, result, server, base);
		}
		finally {
			server.stop();
		}
		return List.of(result);
	}

	// a handler that throws on some packets (the suite's test handler, added with loader.path).
	List<Result> throwing() {
		Result result = new Result("throw");
		Server server = Server.start(this.suite, "throw", List.of("servercore.framing=length-prefixed"), true);
		try {
			Server.Baseline base = warm(server);
			Metrics before = server.scrape();
			long duration = secs(20, 15);
			Clients.Control control = Clients.control(this.suite, server, "throw", duration + 3);
			Map<String, String> summary = Clients.attack(this.suite, server, "throw-attack", "--mode", "poison",
					"--connections", Integer.toString(n(100)), "--size", "64", "--reconnect", "--duration",
					duration + "s").await(duration + 60);
			long handlerErrors = server.scrape().closed("HANDLER_ERROR") - before.closed("HANDLER_ERROR");
			result.figure("good packets echoed / poison packets / HANDLER_ERROR closes", num(summary, "echoed") + " / "
					+ num(summary, "poison_closed") + " / " + handlerErrors);
			result.check(num(summary, "poison_closed") > 0, "no session was closed after a poison packet");
			result.check(num(summary, "mismatches") == 0, "a poison packet was answered or a byte changed");
			result.check(handlerErrors >= num(summary, "poison_closed"),
					"HANDLER_ERROR closes " + handlerErrors + " fewer than poison closes " + num(summary, "poison_closed"));
			control.finish(result);
			Checks.afterScenario(this.suite, result, server, base);
		}
		finally {
			server.stop();
		}
		return List.of(result);
	}

	// SIGTERM under load, twice: nothing sent before the drain unanswered, exit within drain timeout + 5 s.
	List<Result> sigterm() {
		List<Result> results = new ArrayList<>();
		int drainSeconds = 10;
		for (int round = 1; round <= 2; round++) {
			Result result = new Result("sigterm-" + round);
			results.add(result);
			int held = n(5000);
			int pipelinedConnections = n(100);
			Server server;
			try {
				server = Server.start(this.suite, result.name, List.of("servercore.shutdown.drain-timeout=" + drainSeconds
						+ "s", "servercore.limits.max-sessions=12000"), false);
			}
			catch (IllegalStateException ex) {
				result.check(false, ex.getMessage());
				continue;
			}
			try {
				warm(server);
				Path marker = this.suite.out.resolve(result.name + ".drain-marker");
				Clients.Attack holders = Clients.attack(this.suite, server, result.name + "-held", "--mode", "hold",
						"--size", "64", "--connections", Integer.toString(held), "--bind", Clients.BIND, "--duration",
						"120s");
				waitForSessions(server, held, 60);
				Clients.Attack pipelines = Clients.attack(this.suite, server, result.name + "-pipelined", "--mode",
						"pipeline", "--connections", Integer.toString(pipelinedConnections), "--pipeline", "16", "--size",
						"64", "--drain-marker", marker.toString(), "--duration", "120s");
				// Load on every session for a few seconds before the signal.
				waitForSessions(server, held + pipelinedConnections, 60);
				Proc.sleep(3000);
				Files.writeString(marker, Long.toString(System.currentTimeMillis()));
				long start = System.nanoTime();
				server.process.destroy();
				boolean exited = Proc.waitFor(server.process, drainSeconds + 60);
				double exitSeconds = (System.nanoTime() - start) / 1e9;
				Map<String, String> pipelined = pipelines.await(60);
				Map<String, String> holding = holders.await(60);
				result.figure("exit after SIGTERM", exited ? String.format("%.1f s (exit status %d)", exitSeconds,
						server.process.exitValue()) : "did not exit");
				result.figure("pipelined: answered / unanswered sent after SIGTERM / unanswered sent before",
						num(pipelined, "answered") + " / "
								+ (num(pipelined, "unanswered") - num(pipelined, "unanswered_before_drain")) + " / "
								+ num(pipelined, "unanswered_before_drain"));
				result.figure("held sessions: echoed / closed by server", num(holding, "echoed") + " / "
						+ num(holding, "closed_by_server"));
				String log = server.logText();
				int drained = log.indexOf("servercore drained in");
				result.figure("drain line", (drained < 0) ? "none" : log.substring(drained, log.indexOf('\n', drained)));
				result.check(exited && exitSeconds <= drainSeconds + 5,
						String.format("exit took %.1f s, more than the %d s drain timeout + 5 s", exitSeconds, drainSeconds));
				result.check(num(pipelined, "answered") > 0, "pipelined clients got no answer");
				result.check(num(pipelined, "unanswered_before_drain") == 0,
						num(pipelined, "unanswered_before_drain") + " messages sent before SIGTERM were never answered");
				result.check(num(pipelined, "mismatches") == 0 && num(holding, "mismatches") == 0,
						"lost or changed bytes");
				result.check(num(holding, "echoed") == held, "held sessions echoed " + num(holding, "echoed") + " of " + held);
				Checks.logChecks(result, server);
			}
			catch (IOException ex) {
				result.check(false, "cannot write the drain marker: " + ex);
			}
			finally {
				server.stop();
			}
		}
		return results;
	}

}
