package dev.servercore.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;

import dev.servercore.core.ServerTls;
import dev.servercore.diagnostics.InvalidSettingException;
import dev.servercore.support.TestCertificates;
import dev.servercore.support.TestCertificates.Issued;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TlsAutoConfiguration}: nothing without {@code servercore.ssl.bundle}; a bundle that cannot serve
 * as configured fails start-up naming the setting to change.
 */
class TlsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class);

	@Test
	void noBundleNoTls() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ServerTls.class));
	}

	@Test
	void badBundleSettingsFailNamingTheSetting(@TempDir Path dir) throws IOException {
		Issued ca = TestCertificates.authority("CA");
		TestCertificates.server(ca, BigInteger.ONE).writePem(dir.resolve("tls.crt"), dir.resolve("tls.key"));
		String[] bundle = { "spring.ssl.bundle.pem.game.keystore.certificate=file:" + dir.resolve("tls.crt"),
				"spring.ssl.bundle.pem.game.keystore.private-key=file:" + dir.resolve("tls.key") };
		this.runner.withPropertyValues(bundle)
			.withPropertyValues("servercore.ssl.bundle=game")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(ServerTls.class));
		this.runner.withPropertyValues(bundle)
			.withPropertyValues("servercore.ssl.bundle=gmae")
			.run((context) -> assertThat(invalidSetting(context.getStartupFailure())).satisfies((ex) -> {
				assertThat(ex.property()).isEqualTo("servercore.ssl.bundle");
				assertThat(ex.problem()).contains("no SSL bundle named 'gmae'").contains("[game]");
			}));
		this.runner.withPropertyValues(bundle)
			.withPropertyValues("servercore.ssl.bundle=game", "servercore.ssl.client-auth=need")
			.run((context) -> assertThat(invalidSetting(context.getStartupFailure())).satisfies((ex) -> {
				assertThat(ex.property()).isEqualTo("servercore.ssl.client-auth");
				assertThat(ex.action()).contains("spring.ssl.bundle.pem.game.truststore.certificate");
			}));
	}

	private static InvalidSettingException invalidSetting(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidSettingException invalid) {
				return invalid;
			}
		}
		throw new AssertionError("No InvalidSettingException in " + failure, failure);
	}

}
