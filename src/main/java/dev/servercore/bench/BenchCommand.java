package dev.servercore.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code bench} command: parses the command line, runs the {@link LoadClient}, prints the summary and
 * returns the exit status. Starts no server and no Spring context.
 *
 * <pre>
 * java -jar target/servercore-exec.jar bench --port 7000 --connections 100 --size 64 --duration 10s
 * </pre>
 */
public final class BenchCommand {

	/** The first program argument that selects this command. */
	public static final String NAME = "bench";

	/** Exit status of a bad command line. */
	public static final int USAGE_ERROR = 2;

	// Quiet logging for the client: Spring Boot, which would configure it, is not started.
	private static final String LOGGING_CONFIG = "dev/servercore/bench/bench-logback.xml";

	private BenchCommand() {
	}

	/**
	 * Returns whether the program arguments ask for this command.
	 * @param args the program arguments
	 * @return {@code true} if the first one is {@value #NAME}
	 */
	public static boolean isRequested(String[] args) {
		return args.length > 0 && NAME.equals(args[0]);
	}

	/**
	 * Runs the command from the program's {@code main}, given all its arguments ({@code bench} first).
	 * @param args the program arguments
	 * @return the exit status
	 */
	public static int main(String[] args) {
		if (System.getProperty("logback.configurationFile") == null) {
			System.setProperty("logback.configurationFile", LOGGING_CONFIG);
		}
		return run(Arrays.copyOfRange(args, isRequested(args) ? 1 : 0, args.length), System.out, System.err);
	}

	/**
	 * Runs the command.
	 * @param args the arguments after {@code bench}
	 * @param out where progress and the summary go
	 * @param err where usage errors go
	 * @return the exit status: 0 on success, 1 on a mismatch, a connection error or no message, 2 on a bad
	 * command line
	 */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
			out.print(BenchOptions.usage());
			return 0;
		}
		BenchOptions options;
		try {
			options = BenchOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			err.println("bench: " + ex.getMessage());
			err.println("Run with --help for the options.");
			return USAGE_ERROR;
		}
		BenchSummary summary = new LoadClient(options, out).run();
		summary.print(out);
		try {
			if (options.json() != null) {
				summary.writeJson(options.json());
			}
			if (options.hgrm() != null) {
				summary.writeHgrm(options.hgrm());
			}
		}
		catch (IOException ex) {
			err.println("bench: cannot write the results: " + ex);
			return 1;
		}
		return summary.exitStatus();
	}

}
