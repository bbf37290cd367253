package dev.servercore.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.servercore.actuate.ServerCoreMeters;
import dev.servercore.app.ServerCoreApplication;
import dev.servercore.core.CloseReason;
import dev.servercore.core.SessionRegistry;
import dev.servercore.support.EchoHandlerConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The load client, briefly, in each mode against a running servercore with its defaults: messages complete,
 * every echoed byte matches and no connection fails.
 */
@Import(EchoHandlerConfiguration.class)
@SpringBootTest(classes = ServerCoreApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "servercore.port=0")
class LoadClientTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Value("${local.servercore.port}")
	int port;

	@Autowired
	SessionRegistry registry;

	@Autowired
	MeterRegistry meters;

	@BeforeEach
	void noSessionLeftByAnotherTest() {
		await().atMost(WAIT).until(() -> this.registry.size() == 0);
	}

	@Test
	void benchCommandPrintsProgressAndSummaryWritesJsonAndHgrmAndExitsZero(@TempDir Path dir) {
		Path json = dir.resolve("summary.json");
		Path hgrm = dir.resolve("latency.hgrm");
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int status = BenchCommand.run(new String[] { "--port", Integer.toString(this.port), "--connections", "4",
				"--size", "64", "--warmup", "300ms", "--duration", "1200ms", "--json", json.toString(), "--hgrm",
				hgrm.toString() }, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
		String printed = out.toString(StandardCharsets.UTF_8);
		assertThat(status).as(printed).isZero();
		assertThat(printed).contains("] measure ").contains("msgs/s").contains("mismatches          0")
			.contains("errors              0").contains("result              OK");
		assertThat(json).content()
			.contains("\"mode\": \"ping-pong\"")
			.contains("\"mismatches\": 0,")
			.contains("\"errors\": 0,")
			.contains("\"success\": true")
			.containsPattern("\"messages\": [1-9]");
		assertThat(hgrm).content().contains("Value     Percentile TotalCount 1/(1-Percentile)");
	}

	@Test
	void aCleanRunClosesItsConnectionsGracefullySoTheServerSeesPeerClosedNotReset() {
		double peerClosed = closed(CloseReason.PEER_CLOSED);
		double reset = closed(CloseReason.RESET);
		double all = closedForAnyReason();
		// Streaming: up to 512 KiB in flight on each connection when the run ends, echoes arrive while it closes.
		// The client's best transport (io_uring here) is where a plain close reset every connection.
		assertSuccess(run("--mode", "stream", "--connections", "4", "--size", "16KiB", "--transport=auto"));
		await().atMost(WAIT).until(() -> closedForAnyReason() - all >= 4);
		assertThat(closed(CloseReason.RESET) - reset).as("sessions closed with RESET").isZero();
		assertThat(closed(CloseReason.PEER_CLOSED) - peerClosed).as("sessions closed with PEER_CLOSED").isEqualTo(4);
	}

	@Test
	void progressLinesCarryUnitsAndAShortWarmupStillPrintsOne() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int status = BenchCommand.run(new String[] { "--port", Integer.toString(this.port), "--connections", "2",
				"--warmup", "300ms", "--duration", "300ms", "--transport=nio" },
				new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
		String printed = out.toString(StandardCharsets.UTF_8);
		assertThat(status).as(printed).isZero();
		assertThat(printed).containsPattern("] warmup +[\\d,]+ msgs/s +[\\d,.]+ MB/s +p99 [\\d.]+ us ")
			.containsPattern("] measure +[\\d,]+ msgs/s +[\\d,.]+ MB/s +p99 [\\d.]+ us ");
	}

	@Test
	void pingPongCompletesMessagesWithoutMismatchOrError() {
		BenchSummary summary = run("--connections", "3", "--size", "100");
		assertSuccess(summary);
		assertThat(summary.bytes()).isEqualTo(summary.messages() * 100);
		assertThat(summary.latencyMicros(50)).isPositive();
	}

	@Test
	void pipelinedKeepsSixteenInFlightAndChecksEveryByte() {
		BenchSummary summary = run("--connections", "2", "--pipeline", "16", "--size", "64");
		assertSuccess(summary);
	}

	@Test
	void streamingLargeChunksComesBackIntact() {
		BenchSummary summary = run("--mode", "stream", "--connections", "2", "--size", "16KiB");
		assertSuccess(summary);
		assertThat(summary.bytes()).isEqualTo(summary.messages() * 16 * 1024);
	}

	@Test
	void rateLimitedPingPongCorrectsForCoordinatedOmission() {
		BenchSummary summary = run("--connections", "2", "--rate", "1000");
		assertSuccess(summary);
		assertThat(summary.correctedForCoordinatedOmission()).isTrue();
		// About 1000 messages per second, never far more.
		assertThat(summary.messagesPerSecond()).isBetween(300.0, 1300.0);
	}

	@Test
	void connectModeOpensAndHoldsSessionsFromSeveralSourceAddresses() {
		BenchSummary summary = run("--mode", "connect", "--connections", "50", "--rate", "500", "--bind",
				"127.0.0.2,127.0.0.3");
		assertSuccess(summary);
		assertThat(summary.messages()).isEqualTo(50);
		assertThat(summary.held()).isEqualTo(50);
	}

	private BenchSummary run(String... args) {
		String[] all = new String[args.length + 8];
		System.arraycopy(new String[] { "--port", Integer.toString(this.port), "--warmup", "200ms", "--duration", "700ms",
				"--no-progress", "--transport=nio" }, 0, all, 0, 8);
		System.arraycopy(args, 0, all, 8, args.length);
		return new LoadClient(BenchOptions.parse(all), System.out).run();
	}

	private double closed(CloseReason reason) {
		return this.meters.get(ServerCoreMeters.SESSIONS_CLOSED)
			.tag(ServerCoreMeters.REASON_TAG, reason.name())
			.counter()
			.count();
	}

	private double closedForAnyReason() {
		double total = 0;
		for (CloseReason reason : CloseReason.values()) {
			total += closed(reason);
		}
		return total;
	}

	private static void assertSuccess(BenchSummary summary) {
		assertThat(summary.firstErrors()).isEmpty();
		assertThat(summary.errors()).isZero();
		assertThat(summary.mismatches()).isZero();
		assertThat(summary.messages()).isPositive();
		assertThat(summary.exitStatus()).isZero();
	}

}
