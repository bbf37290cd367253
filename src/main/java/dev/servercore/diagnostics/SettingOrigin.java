package dev.servercore.diagnostics;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.Environment;

/**
 * A failing setting described as Spring Boot's bind failure report describes one: its property, value and
 * origin (the file and line, the command line, or servercore's default), and the reason.
 */
final class SettingOrigin {

	private SettingOrigin() {
	}

	/**
	 * Describes a setting, one indented line each for its property, value, origin and reason.
	 * @param environment the failed application's environment
	 * @param property the property's name
	 * @param value the value
	 * @param reason why it failed
	 * @return the lines, after an empty line
	 */
	static String describe(Environment environment, String property, Object value, String reason) {
		return String.format("%n%n    Property: %s%n    Value: %s%n    Origin: %s%n    Reason: %s", property, value,
				of(environment, property), reason);
	}

	/**
	 * Describes where {@code property} was set.
	 * @param environment the failed application's environment
	 * @param property the property's name
	 * @return for example {@code class path resource [application.yaml] - 3:9}, or {@code servercore's
	 * default} when nothing sets it
	 */
	static String of(Environment environment, String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			ConfigurationProperty found = source.getConfigurationProperty(name);
			if (found != null) {
				return (found.getOrigin() != null) ? found.getOrigin().toString() : "unknown";
			}
		}
		return "servercore's default";
	}

}
