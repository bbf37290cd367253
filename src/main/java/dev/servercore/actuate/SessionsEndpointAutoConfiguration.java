package dev.servercore.actuate;

import dev.servercore.autoconfigure.ServerCoreAutoConfiguration;
import dev.servercore.core.SessionRegistry;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code tcpsessions} endpoint, created only when it is exposed
 * ({@code management.endpoints.web.exposure.include} names {@code tcpsessions}).
 */
@AutoConfiguration(after = ServerCoreAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(SessionRegistry.class)
@ConditionalOnAvailableEndpoint(SessionsEndpoint.class)
public final class SessionsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SessionsEndpoint sessionsEndpoint(SessionRegistry registry) {
		return new SessionsEndpoint(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	SessionsEndpointWebExtension sessionsEndpointWebExtension(SessionsEndpoint endpoint) {
		return new SessionsEndpointWebExtension(endpoint);
	}

}
