package dev.servercore.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ServerCoreDefaults}: servercore's operating defaults reach any application, below the
 * application's own settings, key by key. The application here is an empty configuration: the defaults come
 * from {@code META-INF/spring.factories}, not from any bean.
 */
class ServerCoreDefaultsTests {

	@Test
	void anApplicationWithoutSettingsGetsTheOperatingDefaultsButNotServercoresName() {
		try (ConfigurableApplicationContext context = run("--spring.config.location=optional:classpath:/none/")) {
			ConfigurableEnvironment environment = context.getEnvironment();
			assertThat(environment.getProperty("server.port")).isEqualTo("8081");
			assertThat(environment.getProperty("management.endpoints.web.exposure.include"))
				.isEqualTo("health,info,metrics,prometheus");
			assertThat(environment.getProperty("management.endpoint.health.show-details")).isEqualTo("always");
			assertThat(environment.getProperty("management.endpoint.health.group.liveness.include"))
				.isEqualTo("livenessState,servercore/loopsAlive");
			assertThat(environment.getProperty("management.endpoint.health.group.readiness.include"))
				.isEqualTo("readinessState,servercore/listener,servercore/loops");
			assertThat(environment.getProperty("spring.lifecycle.timeout-per-shutdown-phase")).isEqualTo("30s");
			assertThat(environment.getProperty("management.health.redis.enabled")).isEqualTo("false");
			assertThat(environment.getProperty("spring.application.name")).isNull();
		}
	}

	@Test
	void theApplicationsOwnYamlOverridesOneKeyAndKeepsTheOthers() {
		try (ConfigurableApplicationContext context = run(
				"--spring.config.location=classpath:/dev/servercore/autoconfigure/game-application.yaml")) {
			ConfigurableEnvironment environment = context.getEnvironment();
			assertThat(environment.getProperty("management.endpoints.web.exposure.include"))
				.isEqualTo("health,prometheus");
			assertThat(environment.getProperty("spring.application.name")).isEqualTo("game");
			assertThat(environment.getProperty("server.port")).isEqualTo("8081");
			assertThat(environment.getProperty("management.endpoint.health.group.readiness.include"))
				.isEqualTo("readinessState,servercore/listener,servercore/loops");
		}
	}

	@Test
	void theCommandLineOverridesTheDefaults() {
		try (ConfigurableApplicationContext context = run("--spring.config.location=optional:classpath:/none/",
				"--server.port=0")) {
			ConfigurableEnvironment environment = context.getEnvironment();
			assertThat(environment.getProperty("server.port")).isEqualTo("0");
			assertThat(environment.getPropertySources().get(ServerCoreDefaults.PROPERTY_SOURCE_NAME).getProperty("server.port"))
				.isEqualTo(8081);
		}
	}

	@Test
	void everyDefaultIsDocumentedWithItsValueInTheConfigurationPage() throws IOException {
		String page = Files.readString(Path.of("docs", "configuration.md"));
		EnumerablePropertySource<?> defaults = (EnumerablePropertySource<?>) ServerCoreDefaults.propertySource();
		assertThat(defaults.getPropertyNames()).isNotEmpty();
		for (String name : defaults.getPropertyNames()) {
			assertThat(page).as("docs/configuration.md row for " + name)
				.contains("| `" + name + "` | `" + defaults.getProperty(name) + "` |");
		}
	}

	private static ConfigurableApplicationContext run(String... args) {
		SpringApplication application = new SpringApplicationBuilder(EmptyApplication.class)
			.web(WebApplicationType.NONE)
			.build();
		return application.run(args);
	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyApplication {

	}

}
