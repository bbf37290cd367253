package dev.servercore.app;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.servercore.core.CloseReason;
import dev.servercore.core.EchoHandler;
import dev.servercore.core.Session;
import dev.servercore.core.SessionHandler;
import dev.servercore.core.SessionListener;
import dev.servercore.core.SessionRegistry;
import dev.servercore.support.ActuatorClient;
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
import org.springframework.context.annotation.Primary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The graceful drain, on the whole service closed from another thread as SIGTERM would: 200 sessions with
 * pipelined messages in flight lose nothing, readiness refuses traffic while liveness stays up, the listener
 * refuses new connections, and every session ends with its client's own close or {@code SERVER_SHUTDOWN}.
 */
@ExtendWith(OutputCaptureExtension.class)
class GracefulDrainTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final int SESSIONS = 200;

	private static final int MESSAGES = 20;

	private static final int MESSAGE_SIZE = 256;

	@Test
	void everyMessageSentBeforeTheDrainIsAnsweredAndEverySessionEndsCleanly(CapturedOutput output)
			throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ServerCoreApplication.class,
				DrainObserverConfiguration.class)
			.run("--server.port=0", "--servercore.port=0", "--servercore.host=127.0.0.1", "--servercore.io.workers=2",
					"--servercore.shutdown.drain-timeout=5s");
		List<TestClient> clients = new ArrayList<>();
		try {
			int port = context.getEnvironment().getRequiredProperty("local.servercore.port", Integer.class);
			ActuatorClient actuator = new ActuatorClient(
					context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
			SessionRegistry registry = context.getBean(SessionRegistry.class);
			DrainObserver observer = context.getBean(DrainObserver.class);
			Map<Integer, CloseReason> reasonByClientPort = new ConcurrentHashMap<>();
			registry.addListener(new SessionListener() {

				@Override
				public void onClose(Session session, CloseReason reason) {
					reasonByClientPort.put(session.remoteAddress().getPort(), reason);
				}

			});
			assertThat(actuator.status("/actuator/health/readiness")).isEqualTo(200);

			// Every client sends all its messages, pipelined, without reading anything back yet.
			List<byte[]> sent = new ArrayList<>();
			Random random = new Random(7);
			for (int i = 0; i < SESSIONS; i++) {
				TestClient client = TestClient.connect(port);
				clients.add(client);
				byte[] all = new byte[MESSAGES * MESSAGE_SIZE];
				random.nextBytes(all);
				sent.add(all);
				for (int m = 0; m < MESSAGES; m++) {
					client.send(Arrays.copyOfRange(all, m * MESSAGE_SIZE, (m + 1) * MESSAGE_SIZE));
				}
			}
			await().atMost(WAIT).until(() -> registry.size() == SESSIONS);

			// SIGTERM closes the context from the JVM's shutdown hook thread; so does this test, from its own.
			CompletableFuture<Void> closed = new CompletableFuture<>();
			Thread closer = new Thread(() -> {
				context.close();
				closed.complete(null);
			}, "test-sigterm");
			closer.start();

			await().atMost(WAIT).until(() -> actuator.status("/actuator/health/readiness") == 503);
			// Half read their answers and leave on their own during the drain.
			for (int i = 0; i < SESSIONS; i += 2) {
				assertThat(clients.get(i).read(MESSAGES * MESSAGE_SIZE)).as("echo of client %d", i).isEqualTo(sent.get(i));
				clients.get(i).close();
			}
			HttpResponse<String> liveness = actuator.get("/actuator/health/liveness");
			assertThat(liveness.statusCode()).as(liveness.body()).isEqualTo(200);
			await().atMost(WAIT).until(() -> isRefused(port));
			assertThat(actuator.get("/actuator/health/readiness").body()).contains("\"draining\":true");
			assertThat(closed).as("drain still running").isNotDone();
			// The other half read their answers and wait to be closed by the server at the drain timeout.
			for (int i = 1; i < SESSIONS; i += 2) {
				assertThat(clients.get(i).read(MESSAGES * MESSAGE_SIZE)).as("echo of client %d", i).isEqualTo(sent.get(i));
			}
			assertThat(actuator.status("/actuator/health/liveness")).isEqualTo(200);
			for (int i = 1; i < SESSIONS; i += 2) {
				assertThat(clients.get(i).isClosedByServer()).as("client %d closed by the server", i).isTrue();
			}
			closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

			assertThat(reasonByClientPort).hasSize(SESSIONS);
			for (int i = 0; i < SESSIONS; i++) {
				CloseReason expected = (i % 2 == 0) ? CloseReason.PEER_CLOSED : CloseReason.SERVER_SHUTDOWN;
				assertThat(reasonByClientPort.get(clients.get(i).socket().getLocalPort())).as("client %d", i)
					.isEqualTo(expected);
			}
			assertThat(observer.drained).hasSize(SESSIONS);
			assertThat(Set.copyOf(observer.drained.values())).allMatch((thread) -> thread.startsWith("servercore-io-"));
			assertThat(output).containsPattern("servercore drained in \\d+ ms: 200 sessions, 100 ended on their own, "
					+ "100 closed with SERVER_SHUTDOWN after the 5000 ms drain timeout");
		}
		finally {
			clients.forEach(TestClient::close);
			context.close();
		}
	}

	private static boolean isRefused(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			return false;
		}
		catch (ConnectException ex) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Replaces the echo handler with the {@link DrainObserver}. */
	@Configuration(proxyBeanMethods = false)
	static class DrainObserverConfiguration {

		@Bean
		@Primary // wins over any handler the application declares
		DrainObserver drainObserver() {
			return new DrainObserver();
		}

	}

	/** Echoes, and records which sessions were told to drain and on which thread. */
	static class DrainObserver implements SessionHandler {

		final Map<Long, String> drained = new ConcurrentHashMap<>();

		private final EchoHandler echo = new EchoHandler();

		@Override
		public void onReceive(Session session, ByteBuf data) {
			this.echo.onReceive(session, data);
		}

		@Override
		public void onDrain(Session session) {
			this.drained.put(session.id(), Thread.currentThread().getName());
		}

	}

}
