package dev.servercore.bench.attack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the {@link AttackClient} saw: ordered counts, printed as one {@code attack summary:} line of
 * {@code key=value} pairs that scripts read, and optionally written as JSON.
 */
public final class AttackSummary {

	/** The fixed start of the summary line. */
	public static final String PREFIX = "attack summary:";

	private final Map<String, Object> values = new LinkedHashMap<>();

	AttackSummary put(String key, Object value) {
		this.values.put(key, value);
		return this;
	}

	/**
	 * Returns one count.
	 * @param key its name, for example {@code closed_by_server}
	 * @return the value, 0 if absent
	 */
	public long get(String key) {
		Object value = this.values.get(key);
		return (value instanceof Number number) ? number.longValue() : 0;
	}

	/**
	 * Returns every value by name, in print order.
	 * @return the values
	 */
	public Map<String, Object> values() {
		return Map.copyOf(this.values);
	}

	/**
	 * Prints the summary line.
	 * @param out where to print
	 */
	public void print(PrintStream out) {
		StringBuilder line = new StringBuilder(PREFIX);
		this.values.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
		out.println(line);
		out.flush();
	}

	/**
	 * Writes the summary as a flat JSON object.
	 * @param file the file to write
	 * @throws IOException if it cannot be written
	 */
	public void writeJson(Path file) throws IOException {
		StringBuilder json = new StringBuilder("{");
		this.values.forEach((key, value) -> {
			json.append((json.length() > 1) ? ",\n  " : "\n  ").append('"').append(key).append("\": ");
			json.append((value instanceof Number) ? value.toString() : "\"" + value + "\"");
		});
		Files.writeString(file, json.append("\n}\n"), StandardCharsets.UTF_8);
	}

}
