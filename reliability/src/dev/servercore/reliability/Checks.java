package dev.servercore.reliability;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What must hold after every scenario, read from the server under test, plus a sampler for peaks during one.
 */
final class Checks {

	static final long HEAP_TOLERANCE = 32L << 20;

	static final long DIRECT_TOLERANCE = 32L << 20;

	static final long FD_TOLERANCE = 20;

	private Checks() {
	}

	/**
	 * Once the clients are gone: active sessions equal live connections (both 0), no leaked buffer, no event
	 * loop error, heap after GC, direct memory and descriptors back to the baseline, health UP.
	 */
	static void afterScenario(Suite suite, Result result, Server server, Server.Baseline baseline) {
		if (!server.process.isAlive()) {
			result.check(false, "the server process died (see " + server.log + ")");
			return;
		}
		long sessions = -1;
		long live = -1;
		long deadline = System.nanoTime() + 30_000_000_000L;
		do {
			sessions = server.scrape().sessions();
			live = server.liveConnections();
			if (sessions == live && sessions == 0) {
				break;
			}
			Proc.sleep(500);
		}
		while (System.nanoTime() < deadline);
		result.figure("after: active sessions / live connections", sessions + " / " + live);
		result.check(sessions == live, "active sessions (" + sessions + ") differ from live connections (" + live + ")");
		result.check(sessions == 0 && live == 0, "sessions left open 30 s after the clients left: " + sessions
				+ " sessions, " + live + " connections");
		// A little traffic after a collection makes Netty's leak detector report what it found.
		Server.Baseline after = server.measure();
		Clients.Control probe = Clients.control(suite, server, server.name + "-leakprobe", 1);
		Proc.waitFor(probe.process(), 30);
		server.gc();
		int health = server.healthStatus();
		String healthBody = server.get("/actuator/health");
		result.figure("after: heap after GC (baseline)", Result.mib(after.heap()) + " (" + Result.mib(baseline.heap()) + ")");
		result.figure("after: direct memory (baseline)",
				Result.mib(after.direct()) + " (" + Result.mib(baseline.direct()) + ")");
		result.figure("after: descriptors (baseline)", after.fds() + " (" + baseline.fds() + ")");
		result.check(health == 200 && healthBody.contains("\"UP\""), "health is not UP after the scenario: " + health);
		result.check(after.heap() <= baseline.heap() + HEAP_TOLERANCE, "heap after GC " + Result.mib(after.heap())
				+ " is not back to the baseline " + Result.mib(baseline.heap()) + " (+32 MiB)");
		result.check(after.direct() <= baseline.direct() + DIRECT_TOLERANCE, "direct memory "
				+ Result.mib(after.direct()) + " is not back to the baseline " + Result.mib(baseline.direct()) + " (+32 MiB)");
		result.check(after.fds() <= baseline.fds() + FD_TOLERANCE,
				"descriptors " + after.fds() + " not back to the baseline " + baseline.fds() + " (+20)");
		logChecks(result, server);
	}

	/** Server log: no leak report, no out-of-memory error, no error escaping an event loop. */
	static void logChecks(Result result, Server server) {
		String log = server.logText();
		long leaks = Proc.count(log, "LEAK:");
		long oom = Proc.count(log, "OutOfMemoryError");
		long loopErrors = Proc.count(log, "Unexpected exception from an event executor");
		long uncaught = Proc.count(log, "Exception in thread");
		long overflows = Proc.count(log, "CompletionQueue overflow detected");
		result.figure("server log: leak reports / OutOfMemoryError / loop errors / uncaught / io_uring CQ overflows",
				leaks + " / " + oom + " / " + loopErrors + " / " + uncaught + " / " + overflows);
		result.check(leaks == 0, leaks + " buffer leak reports in " + server.log);
		result.check(oom == 0, oom + " OutOfMemoryError lines in " + server.log);
		result.check(loopErrors == 0, loopErrors + " errors escaped an event loop (" + server.log + ")");
		result.check(uncaught == 0, uncaught + " uncaught exceptions in " + server.log);
		result.check(overflows == 0, overflows + " io_uring completion queue overflow warnings in " + server.log
				+ " (servercore.io.io-uring.completion-queue-size)");
	}

	/** Samples the server every half second while a scenario runs: peaks and Actuator outages. */
	static final class Sampler implements AutoCloseable {

		private final Server server;

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread;

		volatile long peakDirect;

		volatile long peakHeap;

		volatile long peakSessions;

		volatile long peakRss;

		volatile double peakLagSeconds;

		volatile int scrapesFailed;

		volatile int scrapes;

		Sampler(Server server) {
			this.server = server;
			this.thread = new Thread(this::run, "sampler-" + server.name);
			this.thread.setDaemon(true);
			this.thread.start();
		}

		private void run() {
			while (this.running.get() && this.server.process.isAlive()) {
				Metrics metrics = this.server.scrape();
				this.scrapes++;
				if (metrics.isEmpty()) {
					this.scrapesFailed++;
				}
				else {
					this.peakDirect = Math.max(this.peakDirect, metrics.direct());
					this.peakHeap = Math.max(this.peakHeap, metrics.heap());
					this.peakSessions = Math.max(this.peakSessions, metrics.sessions());
					this.peakLagSeconds = Math.max(this.peakLagSeconds, metrics.loopLagMaxSeconds());
				}
				this.peakRss = Math.max(this.peakRss, Proc.rss(this.server.pid));
				Proc.sleep(500);
			}
		}

		void report(Result result) {
			result.figure("during: peak direct memory / heap / RSS",
					Result.mib(this.peakDirect) + " / " + Result.mib(this.peakHeap) + " / " + Result.mib(this.peakRss));
			result.figure("during: peak sessions", this.peakSessions);
			result.figure("during: peak loop lag", String.format("%.0f ms", this.peakLagSeconds * 1000));
			result.figure("during: Actuator scrapes unanswered", this.scrapesFailed + " of " + this.scrapes);
		}

		@Override
		public void close() {
			this.running.set(false);
			try {
				this.thread.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	static List<String> settings(String... settings) {
		return List.of(settings);
	}

}
