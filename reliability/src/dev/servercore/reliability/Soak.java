package dev.servercore.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The soak: steady sessions with traffic (the load client, every byte checked) and churning sessions (opened,
 * echoed, closed and reopened) for {@code --minutes}; samples the server every few seconds, writes the samples
 * as CSV, draws them as a PNG and fails on an upward trend past a tolerance.
 */
final class Soak {

	/** One column of the samples: its name, unit, and the growth over the run that counts as a trend. */
	record Series(String name, String unit, double tolerance) {
	}

	static final List<Series> SERIES = List.of(new Series("heap after GC", "MiB", 16),
			new Series("direct memory", "MiB", 16), new Series("resident memory", "MiB", 64),
			new Series("descriptors", "", 20), new Series("sessions", "", 50), new Series("loop lag max", "ms", 50));

	// Samples in the first part of the run are the warm-up (JIT, heap sizing) and do not count for trends.
	private static final double WARMUP_SHARE = 0.2;

	private final Suite suite;

	Soak(Suite suite) {
		this.suite = suite;
	}

	List<Result> run() {
		Result result = new Result("soak");
		long seconds = Math.round(this.suite.soakMinutes * 60);
		long interval = (seconds >= 300) ? 5 : 3;
		int churners = (int) Math.max(10, Math.round(100 * this.suite.scale));
		Server server = Server.start(this.suite, "soak", List.of(), false);
		List<double[]> samples = new ArrayList<>();
		try {
			Server.Baseline base = server.measure();
			Clients.Control steady = Clients.control(this.suite, server, "soak-steady", seconds, 50, 1000);
			Clients.Attack churn = Clients.attack(this.suite, server, "soak-churn", "--mode", "hold", "--size", "64",
					"--connections", Integer.toString(churners), "--lifetime", "2s", "--reconnect", "--duration",
					seconds + "s");
			long start = System.nanoTime();
			long next = start;
			while (System.nanoTime() - start < seconds * 1_000_000_000L && server.process.isAlive()) {
				server.gc();
				Metrics metrics = server.scrape();
				double t = (System.nanoTime() - start) / 1e9;
				samples.add(new double[] { t, metrics.heap() / 1048576.0, metrics.direct() / 1048576.0,
						Proc.rss(server.pid) / 1048576.0, Proc.fds(server.pid), metrics.sessions(),
						metrics.loopLagMaxSeconds() * 1000 });
				next += interval * 1_000_000_000L;
				Proc.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
			}
			Map<String, String> churned = churn.await(120);
			steady.finish(result);
			result.figure("length", String.format("%.1f min, %d samples every %d s", seconds / 60.0, samples.size(), interval));
			result.figure("churning sessions", churners + " connections, each reopened every 2 s: "
					+ Clients.number(churned, "connected") + " sessions opened, " + Clients.number(churned, "echoed")
					+ " echoed, " + Clients.number(churned, "mismatches") + " mismatches");
			result.check(Clients.number(churned, "mismatches") == 0, "churning sessions saw changed bytes");
			result.check(Clients.number(churned, "echoed") > 0, "churning sessions got no echo");
			trends(result, samples);
			Path csv = this.suite.out.resolve("soak.csv");
			Path png = this.suite.out.resolve("soak.png");
			writeCsv(csv, samples);
			Chart.draw(png, "servercore soak: " + String.format("%.0f min", seconds / 60.0)
					+ ", 50 steady connections at 1,000 msg/s, " + churners + " churning", SERIES, samples,
					WARMUP_SHARE);
			result.figure("samples", csv + ", chart " + png);
			Checks.afterScenario(this.suite, result, server, base);
		}
		catch (IOException ex) {
			result.check(false, "cannot write the soak samples: " + ex);
		}
		finally {
			server.stop();
		}
		return List.of(result);
	}

	// Least-squares slope of each series after the warm-up; its growth over the whole run must stay in tolerance.
	private void trends(Result result, List<double[]> samples) {
		int from = (int) (samples.size() * WARMUP_SHARE);
		if (samples.size() - from < 5) {
			result.check(false, "too few samples for a trend: " + samples.size());
			return;
		}
		double runSeconds = samples.get(samples.size() - 1)[0];
		for (int column = 0; column < SERIES.size(); column++) {
			Series series = SERIES.get(column);
			double slope = slope(samples.subList(from, samples.size()), column + 1);
			double growth = slope * runSeconds;
			double first = samples.get(from)[column + 1];
			double last = samples.get(samples.size() - 1)[column + 1];
			result.figure(series.name() + " trend", String.format("%+.2f %s/hour (%.1f to %.1f; growth over the run %+.1f, tolerance %.0f)",
					slope * 3600, series.unit(), first, last, growth, series.tolerance()));
			result.check(growth <= series.tolerance(), String.format("%s grows %+.1f %s over the run (tolerance %.0f)",
					series.name(), growth, series.unit(), series.tolerance()));
		}
	}

	static double slope(List<double[]> samples, int column) {
		double n = samples.size();
		double sx = 0;
		double sy = 0;
		double sxx = 0;
		double sxy = 0;
		for (double[] sample : samples) {
			sx += sample[0];
			sy += sample[column];
			sxx += sample[0] * sample[0];
			sxy += sample[0] * sample[column];
		}
		double denominator = n * sxx - sx * sx;
		return (denominator == 0) ? 0 : (n * sxy - sx * sy) / denominator;
	}

	private static void writeCsv(Path file, List<double[]> samples) throws IOException {
		StringBuilder csv = new StringBuilder(
				"seconds,heap_after_gc_mib,direct_mib,rss_mib,descriptors,sessions,loop_lag_max_ms\n");
		for (double[] sample : samples) {
			csv.append(String.format("%.1f,%.2f,%.2f,%.2f,%.0f,%.0f,%.2f%n", sample[0], sample[1], sample[2], sample[3],
					sample[4], sample[5], sample[6]));
		}
		Files.writeString(file, csv);
	}

}
