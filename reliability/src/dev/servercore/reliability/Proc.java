package dev.servercore.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Small process helpers for the suite: start a Java child, read a process's resident memory, descriptors and
 * TCP connections from {@code /proc} (Linux), and parse {@code key=value} summary lines.
 */
final class Proc {

	private Proc() {
	}

	static Path javaBin(String tool) {
		return Path.of(System.getProperty("java.home"), "bin", tool);
	}

	/** Starts {@code java <jvm> -jar jar <args>} with its output in {@code log}. */
	static Process java(List<String> jvm, List<String> args, Path log) {
		return start(new ArrayList<>(), jvm, args, log);
	}

	/**
	 * Starts a process the suite measures (the server, the control client) like {@link #java}, ahead of
	 * everything else on the machine for the CPU ({@code nice -n -10}) where the suite may raise priorities
	 * (as root): on a shared 2-CPU machine, the control client's stalls were its own JVM waiting for a CPU
	 * while the server's loops lagged under 0.3 s. The hostile clients keep the normal priority, so the
	 * server still does all the work an attack causes.
	 */
	static Process measuredJava(List<String> jvm, List<String> args, Path log) {
		return start(new ArrayList<>(PRIORITY), jvm, args, log);
	}

	private static final List<String> PRIORITY = canRaisePriority() ? List.of("nice", "-n", "-10") : List.of();

	// `nice -n -10 nice` prints -10 only where raising the priority is allowed.
	private static boolean canRaisePriority() {
		try {
			Process probe = new ProcessBuilder("nice", "-n", "-10", "nice").redirectErrorStream(true).start();
			String niceness = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			return probe.waitFor(10, TimeUnit.SECONDS) && niceness.equals("-10");
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	static boolean raisesPriority() {
		return !PRIORITY.isEmpty();
	}

	private static Process start(List<String> command, List<String> jvm, List<String> args, Path log) {
		command.add(javaBin("java").toString());
		command.addAll(jvm);
		command.addAll(args);
		try {
			return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start " + command + ": " + ex, ex);
		}
	}

	static boolean waitFor(Process process, long seconds) {
		try {
			return process.waitFor(seconds, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	static void kill(Process process) {
		if (process != null && process.isAlive()) {
			process.destroyForcibly();
			waitFor(process, 10);
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/** Resident memory in bytes ({@code VmRSS}), -1 if unknown. */
	static long rss(long pid) {
		for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		return -1;
	}

	/** Open file descriptors, -1 if unknown. */
	static long fds(long pid) {
		try (Stream<Path> files = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
			return files.count();
		}
		catch (IOException ex) {
			return -1;
		}
	}

	/** CPU time (user + system) in clock ticks of 10 ms, -1 if unknown. */
	static long cpuTicks(long pid) {
		String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
		if (stat.isEmpty()) {
			return -1;
		}
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	/**
	 * Counts the TCP connections the process holds on a local port: its socket descriptors that
	 * {@code /proc/net/tcp} and {@code tcp6} list with that local port, listeners left out.
	 */
	static long connectionsOnPort(long pid, int port) {
		Set<String> inodes = new HashSet<>();
		try (Stream<Path> files = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
			files.forEach((fd) -> {
				try {
					String target = Files.readSymbolicLink(fd).toString();
					if (target.startsWith("socket:[")) {
						inodes.add(target.substring(8, target.length() - 1));
					}
				}
				catch (IOException ex) {
					// closed meanwhile
				}
			});
		}
		catch (IOException ex) {
			return -1;
		}
		String hexPort = String.format(":%04X", port);
		long count = 0;
		for (String table : List.of("tcp", "tcp6")) {
			String[] lines = read(Path.of("/proc", Long.toString(pid), "net", table)).split("\n");
			for (int i = 1; i < lines.length; i++) {
				String[] f = lines[i].trim().split("\\s+");
				if (f.length > 9 && f[1].endsWith(hexPort) && !f[3].equals("0A") && inodes.contains(f[9])) {
					count++;
				}
			}
		}
		return count;
	}

	/** Parses the {@code key=value} pairs after {@code prefix} on the last line that starts with it. */
	static Map<String, String> summaryLine(Path log, String prefix) {
		Map<String, String> values = new LinkedHashMap<>();
		String found = null;
		for (String line : read(log).split("\n")) {
			if (line.startsWith(prefix)) {
				found = line.substring(prefix.length());
			}
		}
		if (found != null) {
			for (String pair : found.trim().split(" ")) {
				int eq = pair.indexOf('=');
				if (eq > 0) {
					values.put(pair.substring(0, eq), pair.substring(eq + 1));
				}
			}
		}
		return values;
	}

	/** Reads a flat JSON object of numbers, strings and booleans (what the load client writes). */
	static Map<String, String> flatJson(Path file) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String line : read(file).split("\n")) {
			String l = line.trim();
			int colon = l.indexOf("\":");
			if (l.startsWith("\"") && colon > 0) {
				String value = l.substring(colon + 2).trim();
				if (value.endsWith(",")) {
					value = value.substring(0, value.length() - 1);
				}
				values.put(l.substring(1, colon), value.replace("\"", ""));
			}
		}
		return values;
	}

	static long count(String text, String needle) {
		long n = 0;
		for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
			n++;
		}
		return n;
	}

}
