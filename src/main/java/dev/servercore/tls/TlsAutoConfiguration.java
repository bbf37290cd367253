package dev.servercore.tls;

import dev.servercore.autoconfigure.ServerCoreAutoConfiguration;
import dev.servercore.autoconfigure.ServerCoreProperties;
import dev.servercore.core.ServerTls;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * TLS on the game port when {@code servercore.ssl.bundle} names a Spring Boot SSL bundle: the {@link ServerTls}
 * that the session pipeline puts on every connection, and its meters. Without the setting nothing here exists
 * and the port is plaintext.
 */
@AutoConfiguration(before = ServerCoreAutoConfiguration.class, after = SslAutoConfiguration.class)
@ConditionalOnProperty(prefix = "servercore.ssl", name = "bundle")
@EnableConfigurationProperties(ServerCoreProperties.class)
public final class TlsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SslBundleTls servercoreSslBundleTls(SslBundles bundles, ServerCoreProperties properties) {
		ServerCoreProperties.Ssl ssl = properties.getSsl();
		return new SslBundleTls(bundles, ssl.getBundle(), ssl.getClientAuth(), ssl.getHandshakeTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	ServerTls servercoreTls(SslBundleTls bundleTls) {
		return bundleTls.serverTls();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class TlsMetersConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TlsMeters servercoreTlsMeters(MeterRegistry registry, SslBundleTls bundleTls) {
			return new TlsMeters(registry, bundleTls);
		}

	}

}
