package dev.servercore.actuate;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.servercore.app.ServerCoreApplication;
import dev.servercore.core.EchoHandler;
import dev.servercore.core.EventLoops;
import dev.servercore.core.Session;
import dev.servercore.core.SessionHandler;
import dev.servercore.support.ActuatorClient;
import dev.servercore.support.TestClient;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler that blocks its event loop on purpose turns readiness DOWN past the short loop deadline while
 * liveness stays UP (a slow loop must not get the pod restarted), then liveness DOWN too past the longer
 * liveness deadline, naming the loop; all UP again once it is released.
 */
@SpringBootTest(classes = { ServerCoreApplication.class, StalledLoopHealthTests.BlockingHandlerConfiguration.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "servercore.port=0", "servercore.io.workers=2", "servercore.io.probe-interval=50ms",
				"servercore.health.loop-deadline=300ms", "servercore.health.loop-liveness-deadline=8s" })
class StalledLoopHealthTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Value("${local.servercore.port}")
	int port;

	@LocalServerPort
	int managementPort;

	@Autowired
	BlockingHandler handler;

	@Autowired
	EventLoops loops;

	@Test
	void aBlockedLoopTurnsHealthDownNamingItAndUpWhenReleased() throws Exception {
		ActuatorClient actuator = new ActuatorClient(this.managementPort);
		await().atMost(WAIT).until(() -> actuator.status("/actuator/health/liveness") == 200);
		try (TestClient client = TestClient.connect(this.port)) {
			try {
				client.send(new byte[] { BlockingHandler.BLOCK });
				assertThat(this.handler.blocked.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("loop blocked").isTrue();
				String thread = this.handler.blockedThread;
				int index = indexOf(this.handler.blockedLoop);
				assertThat(thread).startsWith("servercore-io-");

				await().atMost(WAIT).until(() -> actuator.status("/actuator/health/readiness") == 503);
				assertThat(actuator.get("/actuator/health/readiness").body()).contains(thread + " (loop " + index + ")");
				// Past the short deadline only: no restart yet.
				assertThat(actuator.get("/actuator/health/liveness").body()).contains("\"status\":\"UP\"");

				await().atMost(WAIT).until(() -> actuator.status("/actuator/health/liveness") == 503);
				HttpResponse<String> liveness = actuator.get("/actuator/health/liveness");
				assertThat(liveness.body()).contains("\"status\":\"DOWN\"")
					.contains(thread + " (loop " + index + ")")
					.contains("\"stalledThreads\":[\"" + thread + "\"]");
				assertThat(actuator.status("/actuator/health/readiness")).isEqualTo(503);
				HttpResponse<String> health = actuator.get("/actuator/health");
				assertThat(health.statusCode()).isEqualTo(503);
				assertThat(health.body()).contains(thread + " (loop " + index + ")");
			}
			finally {
				this.handler.release.countDown();
			}
			await().atMost(WAIT).until(() -> actuator.status("/actuator/health/liveness") == 200);
			assertThat(actuator.status("/actuator/health/readiness")).isEqualTo(200);
			assertThat(actuator.get("/actuator/health").body()).doesNotContain("stalled");
			// The session on the released loop works again.
			client.send(new byte[] { 7 });
			assertThat(client.read(1)).containsExactly(7);
		}
	}

	private int indexOf(EventExecutor loop) {
		List<EventExecutor> group = new ArrayList<>();
		this.loops.group().forEach(group::add);
		return group.indexOf(loop);
	}

	/** Replaces the echo handler with the {@link BlockingHandler}. */
	@TestConfiguration(proxyBeanMethods = false)
	static class BlockingHandlerConfiguration {

		@Bean
		@Primary // wins over any handler the application declares
		BlockingHandler blockingHandler() {
			return new BlockingHandler();
		}

	}

	/** Echoes, except that a single {@link #BLOCK} byte blocks the session's loop until released. */
	static class BlockingHandler implements SessionHandler {

		static final byte BLOCK = 'B';

		final CountDownLatch blocked = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		volatile String blockedThread;

		volatile EventExecutor blockedLoop;

		private final EchoHandler echo = new EchoHandler();

		@Override
		public void onReceive(Session session, ByteBuf data) {
			if (data.readableBytes() == 1 && data.getByte(data.readerIndex()) == BLOCK) {
				this.blockedThread = Thread.currentThread().getName();
				this.blockedLoop = session.eventLoop();
				this.blocked.countDown();
				try {
					// Blocking an event loop is exactly what this test is about.
					this.release.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return;
			}
			this.echo.onReceive(session, data);
		}

	}

}
