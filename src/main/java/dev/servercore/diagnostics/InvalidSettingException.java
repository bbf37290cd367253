package dev.servercore.diagnostics;

import java.util.Objects;

/**
 * A servercore setting that cannot work: names the property, the value and what to do, so that
 * {@link InvalidSettingFailureAnalyzer} can print them instead of a stack trace.
 */
public class InvalidSettingException extends IllegalStateException {

	private final String property;

	private final Object value;

	private final String problem;

	private final String action;

	/**
	 * Creates the exception.
	 * @param property the property's name as written in {@code application.yaml}, for example
	 * {@code servercore.packet.max-size}
	 * @param value the value that cannot work
	 * @param problem why it cannot work, as a sentence
	 * @param action what to change, as a sentence
	 * @param cause the underlying failure
	 */
	public InvalidSettingException(String property, Object value, String problem, String action,
			Throwable cause) {
		super(Objects.requireNonNull(property, "property") + "=" + value + ": " + problem, cause);
		this.property = property;
		this.value = value;
		this.problem = problem;
		this.action = Objects.requireNonNull(action, "action");
	}

	/**
	 * Returns the property's name.
	 * @return the name, for example {@code servercore.io.transport}
	 */
	public String property() {
		return this.property;
	}

	/**
	 * Returns the value that cannot work.
	 * @return the value
	 */
	public Object value() {
		return this.value;
	}

	/**
	 * Returns why the value cannot work.
	 * @return the problem, as a sentence
	 */
	public String problem() {
		return this.problem;
	}

	/**
	 * Returns what to change.
	 * @return the action, as a sentence
	 */
	public String action() {
		return this.action;
	}

}
