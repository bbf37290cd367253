package dev.servercore.autoconfigure;

import dev.servercore.core.ServerCore;
import dev.servercore.support.TestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ServerCoreLifecycle}: stopping the context drains the server and refuses traffic while
 * the loops keep running; starting it again (as Spring's test context cache does after a pause) listens and
 * accepts traffic again; closing it stops the loops.
 */
class ServerCoreLifecycleTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration.class,
				ServerCoreAutoConfiguration.class))
		.withPropertyValues("servercore.host=127.0.0.1", "servercore.port=0", "servercore.io.workers=1");

	@Test
	void stopDrainsAndRefusesTrafficThenStartListensAndAcceptsAgain() {
		this.runner.run((context) -> {
			ServerCore server = context.getBean(ServerCore.class);
			ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
			// Boot publishes ACCEPTING_TRAFFIC when the application is ready; the runner has no SpringApplication.
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			assertThat(server.isListening()).isTrue();

			context.stop();
			assertThat(server.isListening()).isFalse();
			assertThat(server.isDraining()).isTrue();
			assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
			assertThat(server.loops().isDisposed()).isFalse();

			context.start();
			assertThat(server.isListening()).isTrue();
			assertThat(server.isDraining()).isFalse();
			assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
			assertThat(context.getEnvironment().getProperty(ServerCoreLifecycle.PORT_PROPERTY, Integer.class))
				.isEqualTo(server.port());
			try (TestClient client = TestClient.connect(server.port())) {
				client.send(new byte[] { 5 });
				assertThat(client.read(1)).containsExactly(5);
			}
		});
	}

	@Test
	void closeStopsTheLoops() {
		ServerCore[] server = new ServerCore[1];
		this.runner.run((context) -> server[0] = context.getBean(ServerCore.class));
		assertThat(server[0].isListening()).isFalse();
		assertThat(server[0].loops().isDisposed()).isTrue();
	}

}
