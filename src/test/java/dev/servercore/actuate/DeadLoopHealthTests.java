package dev.servercore.actuate;

import java.net.http.HttpResponse;
import java.time.Duration;

import dev.servercore.app.ServerCoreApplication;
import dev.servercore.autoconfigure.TcpServerCustomizer;
import dev.servercore.core.Session;
import dev.servercore.core.SessionRegistry;
import dev.servercore.support.ActuatorClient;
import dev.servercore.support.FailingAllocator;
import dev.servercore.support.TestClient;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An event loop whose thread ends (an {@code Error} from the allocator while io_uring re-arms a read ends
 * Netty's io_uring loop) turns liveness and readiness DOWN, naming the dead loop, so that Kubernetes
 * restarts the pod. The context is thrown away afterwards: a dead loop does not come back.
 */
@SpringBootTest(classes = { ServerCoreApplication.class, DeadLoopHealthTests.FailingAllocatorConfiguration.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "servercore.port=0", "servercore.io.transport=io_uring", "servercore.io.workers=2",
				"servercore.io.probe-interval=50ms", "servercore.io.thread-name-prefix=doomed-io" })
@DirtiesContext
class DeadLoopHealthTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Value("${local.servercore.port}")
	int port;

	@LocalServerPort
	int managementPort;

	@Autowired
	FailingAllocator allocator;

	@Autowired
	SessionRegistry registry;

	@Test
	void aLoopWhoseThreadEndedFailsLivenessNamingTheLoop() {
		ActuatorClient actuator = new ActuatorClient(this.managementPort);
		await().atMost(WAIT).until(() -> actuator.status("/actuator/health/liveness") == 200);
		try (TestClient client = TestClient.connect(this.port)) {
			client.send(new byte[] { 1 });
			assertThat(client.read(1)).containsExactly(1);
			Session session = this.registry.snapshot().get(0);
			String thread = threadOf(session);

			// Not an OutOfMemoryError, which servercore contains: an Error that passes through to the loop.
			this.allocator.failNext(new LoopKiller());
			client.send(new byte[] { 2 });
			await().atMost(WAIT).until(this.allocator::failed);
			await().atMost(WAIT).until(() -> session.eventLoop().isShuttingDown());

			await().atMost(WAIT).until(() -> actuator.status("/actuator/health/liveness") == 503);
			HttpResponse<String> liveness = actuator.get("/actuator/health/liveness");
			assertThat(liveness.body()).contains(thread + " (loop ").contains(") is dead: its thread ended")
				.contains("\"deadThreads\":[\"" + thread + "\"]");
			assertThat(actuator.status("/actuator/health/readiness")).isEqualTo(503);
		}
	}

	private static String threadOf(Session session) {
		String[] name = new String[1];
		session.eventLoop().submit(() -> name[0] = Thread.currentThread().getName()).syncUninterruptibly();
		return name[0];
	}

	/** Sets the {@link FailingAllocator} on every accepted channel. */
	@TestConfiguration(proxyBeanMethods = false)
	static class FailingAllocatorConfiguration {

		@Bean
		FailingAllocator failingAllocator() {
			return new FailingAllocator();
		}

		@Bean
		TcpServerCustomizer failingAllocatorCustomizer(FailingAllocator allocator) {
			return (server) -> server.childOption(ChannelOption.ALLOCATOR, allocator);
		}

	}

	/** An {@code Error} nobody contains. */
	static final class LoopKiller extends Error {

		private static final long serialVersionUID = 1L;

		LoopKiller() {
			super("killing this event loop on purpose (test)");
		}

	}

}
