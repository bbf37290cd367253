package dev.servercore.app;

import java.nio.charset.StandardCharsets;

import dev.servercore.core.SessionHandler;
import dev.servercore.support.EchoHandlerConfiguration;
import dev.servercore.support.TestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link SessionHandler} bean that the application declares (as the README shows, in the application's own
 * configuration) replaces the echo, and breaks no test that needs the echo: such a test says so with
 * {@link EchoHandlerConfiguration}.
 */
class ApplicationHandlerTests {

	private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);

	@Test
	void aHandlerDeclaredByTheApplicationReplacesTheEcho() {
		try (ConfigurableApplicationContext context = start(GameHandlerConfiguration.class);
				TestClient client = TestClient.connect(port(context))) {
			client.send(HELLO);
			assertThat(new String(client.read(3), StandardCharsets.UTF_8)).isEqualTo("ack");
		}
	}

	@Test
	void aTestThatAsksForTheEchoGetsItBesideTheApplicationsHandler() {
		try (ConfigurableApplicationContext context = start(GameHandlerConfiguration.class,
				EchoHandlerConfiguration.class); TestClient client = TestClient.connect(port(context))) {
			client.send(HELLO);
			assertThat(client.read(HELLO.length)).isEqualTo(HELLO);
		}
	}

	private static ConfigurableApplicationContext start(Class<?>... configurations) {
		Class<?>[] sources = new Class<?>[configurations.length + 1];
		sources[0] = ServerCoreApplication.class;
		System.arraycopy(configurations, 0, sources, 1, configurations.length);
		return new SpringApplicationBuilder(sources).run("--server.port=0", "--servercore.port=0",
				"--servercore.host=127.0.0.1", "--servercore.io.workers=1");
	}

	private static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.servercore.port", Integer.class);
	}

	/** What a newcomer adds to the application: a handler bean that answers "ack" to anything. */
	@Configuration(proxyBeanMethods = false)
	static class GameHandlerConfiguration {

		@Bean
		SessionHandler gameHandler() {
			return (session, data) -> session.send("ack".getBytes(StandardCharsets.UTF_8));
		}

	}

}
