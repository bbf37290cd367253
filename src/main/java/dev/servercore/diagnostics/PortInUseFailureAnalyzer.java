package dev.servercore.diagnostics;

import dev.servercore.core.PortInUseException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Reports servercore's TCP port being in use as Spring Boot reports a failed start, naming
 * {@code servercore.port}. (Actuator's port, {@code server.port}, has Boot's own analyzer.)
 */
class PortInUseFailureAnalyzer extends AbstractFailureAnalyzer<PortInUseException> {

	private final Environment environment;

	PortInUseFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PortInUseException cause) {
		String description = "servercore's TCP listener cannot start: port " + cause.port() + " is already in use."
				+ SettingOrigin.describe(this.environment, "servercore.port", cause.port(),
						"another process listens on that port");
		String action = "Stop the process that listens on port " + cause.port()
				+ " (another servercore, perhaps), or set servercore.port to a free port, for example"
				+ " --servercore.port=" + nextPort(cause.port()) + " (0 takes any free port).";
		return new FailureAnalysis(description, action, cause);
	}

	private static int nextPort(int port) {
		return (port > 0 && port < 65535) ? port + 1 : 7001;
	}

}
