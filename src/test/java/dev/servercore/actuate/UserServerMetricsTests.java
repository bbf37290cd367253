package dev.servercore.actuate;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.servercore.app.ServerCoreApplication;
import dev.servercore.core.CloseReason;
import dev.servercore.core.ServerMetrics;
import dev.servercore.support.ActuatorClient;
import dev.servercore.support.EchoHandlerConfiguration;
import dev.servercore.support.TestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application's own {@link ServerMetrics} bean is composed with servercore's Micrometer meters: both get
 * every event, and a user bean that throws does not keep the meters from counting.
 */
@Import({ EchoHandlerConfiguration.class, UserServerMetricsTests.UserMetricsConfiguration.class })
@SpringBootTest(classes = ServerCoreApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "servercore.port=0")
class UserServerMetricsTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Value("${local.servercore.port}")
	int port;

	@LocalServerPort
	int managementPort;

	@Autowired
	UserMetrics userMetrics;

	@Test
	void aUserServerMetricsBeanAndTheMicrometerMetersBothCount() {
		ActuatorClient actuator = new ActuatorClient(this.managementPort);
		Map<String, Double> before = actuator.servercoreSamples();
		long readBefore = this.userMetrics.bytesRead.get();
		try (TestClient client = TestClient.connect(this.port)) {
			client.send(new byte[300]);
			assertThat(client.read(300)).hasSize(300);
		}
		await().atMost(WAIT).until(() -> this.userMetrics.closed.get() >= 1);
		// The user bean saw the traffic although it throws on every open.
		assertThat(this.userMetrics.opened.get()).isPositive();
		assertThat(this.userMetrics.bytesRead.get() - readBefore).isEqualTo(300);
		// ... and the scrape still shows servercore's meters counting it.
		await().atMost(WAIT).untilAsserted(() -> {
			Map<String, Double> after = actuator.servercoreSamples();
			assertThat(delta(before, after, "servercore_received_bytes_total")).isEqualTo(300);
			assertThat(delta(before, after, "servercore_sessions_opened_sessions_total")).isEqualTo(1);
			assertThat(delta(before, after, "servercore_sent_bytes_total")).isEqualTo(300);
		});
	}

	private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
		assertThat(after).as("scrape has " + series).containsKey(series);
		return after.get(series) - before.getOrDefault(series, 0.0);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class UserMetricsConfiguration {

		@Bean
		UserMetrics userMetrics() {
			return new UserMetrics();
		}

	}

	/** An application's own metrics, failing on every session open. */
	static class UserMetrics implements ServerMetrics {

		final AtomicLong opened = new AtomicLong();

		final AtomicLong closed = new AtomicLong();

		final AtomicLong bytesRead = new AtomicLong();

		@Override
		public void sessionOpened() {
			this.opened.incrementAndGet();
			throw new IllegalStateException("user metrics failing on purpose");
		}

		@Override
		public void sessionClosed(CloseReason reason) {
			this.closed.incrementAndGet();
		}

		@Override
		public void bytesRead(int bytes) {
			this.bytesRead.addAndGet(bytes);
		}

	}

}
