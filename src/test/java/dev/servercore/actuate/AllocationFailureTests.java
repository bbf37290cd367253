package dev.servercore.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.servercore.app.ServerCoreApplication;
import dev.servercore.core.CloseReason;
import dev.servercore.core.Session;
import dev.servercore.core.SessionListener;
import dev.servercore.core.SessionRegistry;
import dev.servercore.support.ActuatorClient;
import dev.servercore.support.FailingAllocator;
import dev.servercore.support.TestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Direct memory running out while io_uring re-arms a read closes that session with {@code ERROR}; its event
 * loop lives on: new clients on every loop are served and health stays UP.
 */
@SpringBootTest(
		classes = { ServerCoreApplication.class, DeadLoopHealthTests.FailingAllocatorConfiguration.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "servercore.port=0", "servercore.io.transport=io_uring", "servercore.io.workers=2",
				"servercore.io.probe-interval=50ms" })
class AllocationFailureTests {

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
	void anOutOfMemoryErrorOnAllocationClosesTheSessionNotTheLoop() {
		ActuatorClient actuator = new ActuatorClient(this.managementPort);
		Map<Long, CloseReason> reasons = new ConcurrentHashMap<>();
		SessionListener recorder = new SessionListener() {

			@Override
			public void onClose(Session session, CloseReason reason) {
				reasons.put(session.id(), reason);
			}

		};
		this.registry.addListener(recorder);
		try (TestClient victim = TestClient.connect(this.port)) {
			victim.send(new byte[] { 1 });
			assertThat(victim.read(1)).containsExactly(1);
			Session session = this.registry.snapshot().get(0);

			this.allocator.failNext(new OutOfMemoryError("Cannot reserve 65536 bytes of direct buffer memory (test)"));
			victim.send(new byte[] { 2 });
			await().atMost(WAIT).until(this.allocator::failed);
			assertThat(victim.isClosedByServer()).as("victim closed").isTrue();
			await().atMost(WAIT).until(() -> reasons.containsKey(session.id()));
			assertThat(reasons.get(session.id())).isEqualTo(CloseReason.ERROR);
			assertThat(session.eventLoop().isShuttingDown()).as("loop ended").isFalse();

			// Four new clients land on both loops (round robin): each is served.
			List<TestClient> others = new ArrayList<>();
			try {
				for (int i = 0; i < 4; i++) {
					TestClient client = TestClient.connect(this.port);
					others.add(client);
					client.send(new byte[] { (byte) i });
					assertThat(client.read(1)).as("echo of client %d", i).containsExactly(i);
				}
			}
			finally {
				others.forEach(TestClient::close);
			}
			assertThat(actuator.status("/actuator/health/liveness")).isEqualTo(200);
			assertThat(actuator.get("/actuator/health").body()).doesNotContain("is dead");
		}
		finally {
			this.registry.removeListener(recorder);
		}
	}

}
