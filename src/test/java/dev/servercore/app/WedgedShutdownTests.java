package dev.servercore.app;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.servercore.core.Session;
import dev.servercore.core.SessionHandler;
import dev.servercore.support.TestClient;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shutdown of a wedged server: with its only event loop blocked by a handler (listener and session on it),
 * closing the context (as SIGTERM does) drains and stops within the drain timeout plus the lifecycle
 * timeouts, logging what did not finish, with no uncaught exception and no failed destroy method.
 */
@ExtendWith(OutputCaptureExtension.class)
class WedgedShutdownTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void drainAndStopOfAWedgedServerEndWithinTheirBudgetWithoutThrowing(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ServerCoreApplication.class,
				WedgingHandlerConfiguration.class)
			.run("--server.port=0", "--servercore.port=0", "--servercore.host=127.0.0.1", "--servercore.io.workers=1",
					"--servercore.shutdown.drain-timeout=1s", "--servercore.lifecycle-timeout=1s",
					"--spring.lifecycle.timeout-per-shutdown-phase=10s");
		WedgingHandler handler = context.getBean(WedgingHandler.class);
		try (TestClient client = TestClient.connect(
				context.getEnvironment().getRequiredProperty("local.servercore.port", Integer.class))) {
			client.send(new byte[] { 1 });
			assertThat(handler.wedged.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("loop wedged").isTrue();

			long start = System.nanoTime();
			CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);
			// Drain: 1 s (listener and sessions) + 1 s (final close); stop: 1 s; the web server's own stop.
			await().atMost(WAIT).until(closed::isDone);
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(closed).isCompletedWithValue(null);
			assertThat(took).as("shutdown of a wedged server").isLessThan(Duration.ofSeconds(10));
		}
		finally {
			handler.release.countDown();
			context.close();
		}
		assertThat(output).contains("servercore listener on")
			.contains("its event loop is stalled or dead")
			.doesNotContain("Exception in thread")
			.doesNotContain("couldn't be stopped")
			.doesNotContain("destroy method");
	}

	/** Replaces the echo handler with the {@link WedgingHandler}. */
	@Configuration(proxyBeanMethods = false)
	static class WedgingHandlerConfiguration {

		@Bean
		WedgingHandler wedgingHandler() {
			return new WedgingHandler();
		}

	}

	/** Blocks its event loop on the first receive until released. */
	static class WedgingHandler implements SessionHandler {

		final CountDownLatch wedged = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		public void onReceive(Session session, ByteBuf data) {
			this.wedged.countDown();
			try {
				// Blocking the event loop is exactly what this test is about.
				this.release.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
