package dev.servercore.reliability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scenario's outcome: the checks that failed (none means PASS) and the figures it measured, in order.
 */
final class Result {

	final String name;

	final List<String> failures = new ArrayList<>();

	final Map<String, String> figures = new LinkedHashMap<>();

	long seconds;

	Result(String name) {
		this.name = name;
	}

	/** Records a failed check unless {@code ok}. */
	void check(boolean ok, String what) {
		if (!ok) {
			this.failures.add(what);
		}
	}

	void figure(String key, Object value) {
		this.figures.put(key, String.valueOf(value));
	}

	boolean passed() {
		return this.failures.isEmpty();
	}

	static String mib(long bytes) {
		return (bytes < 0) ? "n/a" : String.format("%.1f MiB", bytes / 1048576.0);
	}

}
