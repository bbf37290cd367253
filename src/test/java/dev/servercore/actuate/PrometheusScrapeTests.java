package dev.servercore.actuate;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import dev.servercore.app.ServerCoreApplication;
import dev.servercore.core.CloseReason;
import dev.servercore.core.Session;
import dev.servercore.core.SessionRegistry;
import dev.servercore.support.ActuatorClient;
import dev.servercore.support.EchoHandlerConfiguration;
import dev.servercore.support.TestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Prometheus scrape after known traffic: exact byte counts, close reasons, the loop lag of every loop,
 * a description on every meter, and a series count that does not grow with the number of clients.
 */
@Import(EchoHandlerConfiguration.class)
@SpringBootTest(classes = ServerCoreApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "servercore.port=0", "servercore.io.workers=2", "servercore.io.probe-interval=50ms" })
class PrometheusScrapeTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final String RECEIVED = "servercore_received_bytes_total";

	private static final String SENT = "servercore_sent_bytes_total";

	private static final String READ_SUM = "servercore_read_bytes_sum";

	private static final String PACKETS = "servercore_packets_received_packets_total";

	private static final String OPENED = "servercore_sessions_opened_sessions_total";

	@Value("${local.servercore.port}")
	int port;

	@LocalServerPort
	int managementPort;

	@Autowired
	SessionRegistry registry;

	private ActuatorClient actuator;

	@BeforeEach
	void noSessionLeftByAnotherTest() {
		this.actuator = new ActuatorClient(this.managementPort);
		await().atMost(WAIT).until(() -> this.registry.size() == 0);
	}

	@Test
	void knownTrafficGivesExactByteCountsAndCloseReasons() {
		Map<String, Double> before = this.actuator.servercoreSamples();
		byte[] hundred = randomBytes(100, 1);
		byte[] thousand = randomBytes(1000, 2);
		byte[] fifty = randomBytes(50, 3);
		// A: 100 bytes echoed, then the client closes.
		try (TestClient a = TestClient.connect(this.port)) {
			a.send(hundred);
			assertThat(a.read(100)).isEqualTo(hundred);
		}
		// B: 1000 bytes in ten writes, echoed, then a reset.
		TestClient b = TestClient.connect(this.port);
		for (int i = 0; i < 10; i++) {
			b.send(Arrays.copyOfRange(thousand, i * 100, (i + 1) * 100));
		}
		assertThat(b.read(1000)).isEqualTo(thousand);
		b.reset();
		// C: 50 bytes echoed, then kicked by the server.
		try (TestClient c = TestClient.connect(this.port)) {
			c.send(fifty);
			assertThat(c.read(50)).isEqualTo(fifty);
			await().atMost(WAIT).until(() -> this.registry.size() == 1);
			Session session = this.registry.snapshot().get(0);
			session.close(CloseReason.KICKED);
			assertThat(c.isClosedByServer()).isTrue();
		}
		await().atMost(WAIT).until(() -> closedDelta(before, this.actuator.servercoreSamples()) == 3);

		Map<String, Double> after = this.actuator.servercoreSamples();
		assertThat(delta(before, after, RECEIVED)).isEqualTo(1150);
		assertThat(delta(before, after, READ_SUM)).isEqualTo(1150);
		assertThat(delta(before, after, SENT)).isEqualTo(1150);
		// Raw framing: a read is not a packet; only length-prefixed framing counts packets.
		assertThat(delta(before, after, PACKETS)).isZero();
		assertThat(delta(before, after, OPENED)).isEqualTo(3);
		for (CloseReason reason : CloseReason.values()) {
			long expected = Set.of(CloseReason.PEER_CLOSED, CloseReason.RESET, CloseReason.KICKED).contains(reason) ? 1
					: 0;
			assertThat(delta(before, after, closedSeries(reason))).as(reason.name()).isEqualTo(expected);
		}
		assertThat(after.get("servercore_sessions_active_sessions")).isZero();
		assertThat(after.get("servercore_send_queued_bytes")).isZero();
	}

	@Test
	void everyLoopHasALagSeriesAndEveryMeterADescription() {
		await().atMost(WAIT).until(() -> {
			Map<String, Double> samples = this.actuator.servercoreSamples();
			return samples.getOrDefault("servercore_loop_lag_seconds_count{loop=\"0\"}", 0.0) > 0
					&& samples.getOrDefault("servercore_loop_lag_seconds_count{loop=\"1\"}", 0.0) > 0;
		});
		Map<String, Double> samples = this.actuator.servercoreSamples();
		assertThat(samples).containsKeys("servercore_loop_lag_seconds_sum{loop=\"0\"}",
				"servercore_loop_lag_seconds_max{loop=\"1\"}",
				"servercore_loop_lag_seconds_bucket{loop=\"1\",le=\"0.001\"}");
		assertThat(samples.keySet()).noneMatch((series) -> series.contains("loop=\"2\""));
		Set<String> families = samples.keySet()
			.stream()
			.map((series) -> series.replaceAll("\\{.*", "").replaceAll("_(bucket|count|sum|max)$", ""))
			.collect(Collectors.toSet());
		for (String help : this.actuator.servercoreHelp()) {
			String[] parts = help.split(" ", 4);
			assertThat(parts).as(help).hasSize(4);
			assertThat(parts[3]).as(help).isNotBlank();
			families.removeIf((family) -> parts[2].equals(family) || parts[2].startsWith(family + "_"));
		}
		assertThat(families).as("meters without a description").isEmpty();
	}

	@Test
	void theSeriesCountDoesNotGrowWithTheNumberOfClients() {
		echoOnce();
		Set<String> seriesAfterOne = this.actuator.servercoreSamples().keySet();
		for (int i = 0; i < 500; i++) {
			echoOnce();
		}
		Map<String, Double> after = this.actuator.servercoreSamples();
		assertThat(after.keySet()).hasSameSizeAs(seriesAfterOne).containsExactlyInAnyOrderElementsOf(seriesAfterOne);
		assertThat(after.keySet()).noneMatch((series) -> series.contains("127.0.0.1") || series.contains("address"));
	}

	private void echoOnce() {
		try (TestClient client = TestClient.connect(this.port)) {
			client.send(new byte[] { 42 });
			assertThat(client.read(1)).containsExactly(42);
		}
	}

	private static long closedDelta(Map<String, Double> before, Map<String, Double> after) {
		long sum = 0;
		for (CloseReason reason : CloseReason.values()) {
			sum += delta(before, after, closedSeries(reason));
		}
		return sum;
	}

	private static String closedSeries(CloseReason reason) {
		return "servercore_sessions_closed_sessions_total{reason=\"" + reason.name() + "\"}";
	}

	private static long delta(Map<String, Double> before, Map<String, Double> after, String series) {
		assertThat(after).as("scrape").containsKey(series);
		return Math.round(after.get(series) - before.getOrDefault(series, 0.0));
	}

	private static byte[] randomBytes(int length, long seed) {
		byte[] bytes = new byte[length];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

}
