package dev.servercore.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Reports an {@link InvalidSettingException} as Spring Boot reports a failed start ("APPLICATION FAILED TO
 * START"): the setting, its value and where it was set, then what to change.
 */
class InvalidSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSettingException> {

	private final Environment environment;

	InvalidSettingFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSettingException cause) {
		String description = "servercore cannot start: " + cause.property() + " cannot work."
				+ SettingOrigin.describe(this.environment, cause.property(), cause.value(), cause.problem());
		return new FailureAnalysis(description, cause.action(), cause);
	}

}
