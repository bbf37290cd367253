package dev.servercore.actuate;

import dev.servercore.autoconfigure.ServerCoreAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ServerCoreHealthAutoConfiguration} and {@link SessionsEndpointAutoConfiguration}: the
 * health contributor is on unless switched off, the sessions endpoint only exists when exposed.
 */
class ServerCoreActuateAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ServerCoreAutoConfiguration.class,
				ServerCoreHealthAutoConfiguration.class, SessionsEndpointAutoConfiguration.class))
		.withPropertyValues("servercore.host=127.0.0.1", "servercore.port=0", "servercore.io.workers=1");

	@Test
	void healthContributorHasTheListenerAndTheLoops() {
		this.runner.run((context) -> {
			assertThat(context).hasBean("servercoreHealthContributor");
			CompositeHealthContributor contributor = context.getBean("servercoreHealthContributor",
					CompositeHealthContributor.class);
			assertThat(contributor.getContributor("listener")).isInstanceOf(ListenerHealthIndicator.class);
			assertThat(contributor.getContributor("loops")).isInstanceOf(EventLoopsHealthIndicator.class);
		});
	}

	@Test
	void healthContributorCanBeSwitchedOff() {
		this.runner.withPropertyValues("management.health.servercore.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("servercoreHealthContributor"));
	}

	@Test
	void sessionsEndpointExistsOnlyWhenExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(SessionsEndpoint.class));
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=tcpsessions")
			.run((context) -> assertThat(context).hasSingleBean(SessionsEndpoint.class)
				.hasSingleBean(SessionsEndpointWebExtension.class));
	}

}
