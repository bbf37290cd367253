package dev.servercore.autoconfigure;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bad servercore configuration fails start-up with a message naming the key, instead of starting and
 * surprising later.
 */
class ServerCorePropertiesValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ServerCoreAutoConfiguration.class))
		.withPropertyValues("servercore.port=0");

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"servercore.shutdown.drain-timeout=-1s | servercore.shutdown.drain-timeout must not be negative",
			"servercore.send.queue-cap=32KB | servercore.send.queue-cap (32768B) must not be below servercore.send.high-water-mark (65536B)",
			"servercore.send.low-water-mark=128KB | servercore.send.low-water-mark (131072B) must not be above servercore.send.high-water-mark",
			"servercore.limits.max-sessions=-1 | servercore.limits.max-sessions must not be negative",
			"servercore.io.max-messages-per-read=0 | servercore.io.max-messages-per-read must be at least 1" })
	void aBadSettingFailsStartUpNamingTheKey(String settings, String message) {
		this.runner.withPropertyValues(settings.trim().split(",")).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootMessages(context.getStartupFailure())).contains(message.trim());
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "servercore.packet.length-field-bytes=2 | x", "servercore.send.queue-cap=0 | x" })
	void goodSettingsStart(String settings, String unused) {
		this.runner.withPropertyValues(settings.trim()).run((context) -> assertThat(context).hasNotFailed());
	}

	private static String rootMessages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

}
