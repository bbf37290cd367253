package dev.servercore.bench.attack;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code attack} command: runs the {@link AttackClient} from the jar, for the reliability suite.
 *
 * <pre>
 * java -jar target/servercore.jar attack --mode no-read --connections 1000 --size 16KiB --duration 20s
 * </pre>
 */
public final class AttackCommand {

	/** The first program argument that selects this command. */
	public static final String NAME = "attack";

	// Quiet logging, as for the load client: Spring Boot is not started.
	private static final String LOGGING_CONFIG = "dev/servercore/bench/bench-logback.xml";

	private AttackCommand() {
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
	 * Runs the command from the program's {@code main}, given all its arguments ({@code attack} first).
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
	 * @param args the arguments after {@code attack}
	 * @param out where the summary goes
	 * @param err where usage errors go
	 * @return 0 once run (the suite judges the counts), 1 if the summary cannot be written, 2 for a bad command
	 * line
	 */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		if (Arrays.asList(args).contains("--help")) {
			out.print(AttackOptions.usage());
			return 0;
		}
		AttackOptions options;
		try {
			options = AttackOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			err.println("attack: " + ex.getMessage());
			return 2;
		}
		AttackSummary summary = new AttackClient(options).run();
		summary.print(out);
		if (options.json != null) {
			try {
				summary.writeJson(options.json);
			}
			catch (IOException ex) {
				err.println("attack: cannot write " + options.json + ": " + ex);
				return 1;
			}
		}
		return 0;
	}

}
