package dev.servercore.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.servercore.actuate.ServerCoreMeters;
import dev.servercore.support.TestClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.uring.IoUringIoHandler;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A burst of completions on one io_uring loop: clients reset their connections while the loop is held busy,
 * so every reset's completion waits in the completion queue at once. A small queue overflows (Netty warns,
 * which shows the test sees the warning); the default queue holds thousands of them without a warning.
 */
class CompletionQueueSizeTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final String WARNING = "CompletionQueue overflow detected";

	@Test
	void aSmallCompletionQueueOverflowsOnABurstOfResets() throws Exception {
		assertThat(warningsDuringResetBurst(new IoUringSettings(64, 64), 1_000)).isPositive();
	}

	@Test
	void theDefaultCompletionQueueHoldsABurstOfResetsWithoutAWarning() throws Exception {
		assertThat(warningsDuringResetBurst(IoUringSettings.DEFAULTS, 2_000)).isZero();
	}

	private static long warningsDuringResetBurst(IoUringSettings settings, int clients) throws Exception {
		Logger netty = (Logger) LoggerFactory.getLogger(IoUringIoHandler.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		netty.addAppender(appender);
		SessionRegistry registry = new SessionRegistry();
		EventLoops loops = EventLoops.create(Transport.IO_URING, 1, "cq-test", settings);
		SessionPipeline pipeline = new SessionPipeline(registry, new EchoHandler(),
				new ServerCoreMeters(new SimpleMeterRegistry(), registry), SessionSettings.DEFAULTS,
				MemoryBudget.withDefaults());
		ServerCore server = new ServerCore(ServerCore.tcpServer("127.0.0.1", 0, loops, pipeline, null), registry, loops);
		List<TestClient> connected = new ArrayList<>();
		try {
			server.start();
			for (int i = 0; i < clients; i++) {
				connected.add(TestClient.connect(server.port()));
			}
			await().atMost(WAIT).until(() -> registry.size() == clients);

			// Hold the loop until every client has reset: their completions arrive together.
			CountDownLatch reset = new CountDownLatch(1);
			CountDownLatch held = new CountDownLatch(1);
			loops.group().next().execute(() -> {
				held.countDown();
				awaitQuietly(reset);
			});
			assertThat(held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			connected.forEach(TestClient::reset);
			reset.countDown();

			await().atMost(WAIT).until(() -> registry.size() == 0);
			return appender.list.stream().filter((event) -> event.getFormattedMessage().contains(WARNING)).count();
		}
		finally {
			connected.forEach(TestClient::close);
			server.stop();
			netty.detachAppender(appender);
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
