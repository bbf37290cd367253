package dev.servercore.reliability;

/**
 * One Prometheus text scrape of the server under test, with the few figures the suite reads.
 */
final class Metrics {

	private final String text;

	Metrics(String text) {
		this.text = text;
	}

	boolean isEmpty() {
		return this.text.isEmpty();
	}

	/**
	 * Sums every series of a meter whose labels contain {@code labels} (empty for all).
	 * @return the sum, or -1 if no such series
	 */
	double sum(String name, String labels) {
		double total = 0;
		boolean found = false;
		for (String line : this.text.split("\n")) {
			if (line.startsWith(name) && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ')
					&& line.contains(labels)) {
				total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
				found = true;
			}
		}
		return found ? total : -1;
	}

	/** The largest value among the series of a meter, -1 if none. */
	double max(String name) {
		double max = -1;
		for (String line : this.text.split("\n")) {
			if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
				max = Math.max(max, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
			}
		}
		return max;
	}

	long heap() {
		return (long) sum("jvm_memory_used_bytes", "area=\"heap\"");
	}

	long direct() {
		return (long) sum("jvm_buffer_memory_used_bytes", "id=\"direct\"");
	}

	long sessions() {
		return (long) sum("servercore_sessions_active_sessions", "");
	}

	long closed(String reason) {
		return (long) sum("servercore_sessions_closed_sessions_total", "reason=\"" + reason + "\"");
	}

	long rejected() {
		return (long) sum("servercore_connections_rejected_connections_total", "");
	}

	double loopLagMaxSeconds() {
		return max("servercore_loop_lag_seconds_max");
	}

}
