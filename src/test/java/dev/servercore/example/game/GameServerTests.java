package dev.servercore.example.game;

import java.nio.ByteOrder;
import java.time.Duration;

import dev.servercore.bench.BenchOptions;
import dev.servercore.bench.BenchSummary;
import dev.servercore.bench.LoadClient;
import dev.servercore.core.SessionHandler;
import dev.servercore.packet.PacketDispatcher;
import dev.servercore.packet.PacketHandlerMethods;
import dev.servercore.support.ActuatorClient;
import dev.servercore.support.IdPackets;
import dev.servercore.support.TestClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The example game server as an application runs it: the controller replaced the echo, a client logs in,
 * moves and chats, and the handler timers and the unknown-id series show up in the Prometheus scrape.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "servercore.port=0", "servercore.io.workers=1", "servercore.framing=length-prefixed",
				"servercore.packet.id-field-bytes=2" })
class GameServerTests {

	private static final IdPackets HEADER = new IdPackets(4, 2, ByteOrder.BIG_ENDIAN, false);

	@Value("${local.servercore.port}")
	int port;

	@LocalServerPort
	int managementPort;

	@Autowired
	SessionHandler handler;

	@Autowired
	MeterRegistry meters;

	@Test
	void theLoadClientSpeaksTheIdHeaderAndTheTypedEchoAnswersIt() {
		BenchSummary summary = new LoadClient(BenchOptions.parse("--port", Integer.toString(this.port), "--warmup",
				"200ms", "--duration", "700ms", "--no-progress", "--transport=nio", "--connections", "2", "--pipeline",
				"8", "--size", "100", "--framing", "length-prefixed", "--id-field-bytes", "2", "--message-id", "100",
				"--protobuf-bytes-field"), System.out).run();
		assertThat(summary.firstErrors()).isEmpty();
		assertThat(summary.errors()).isZero();
		assertThat(summary.mismatches()).isZero();
		assertThat(summary.messages()).isPositive();
		// Every completed message went through the Echo handler.
		double handled = this.meters.get(PacketHandlerMethods.METER_NAME).tag("id", "100").counter().count();
		assertThat(handled).isGreaterThanOrEqualTo(summary.messages());
		// One packet in 64 of each session is timed (servercore.packet.timing-every).
		assertThat(this.meters.get(PacketHandlerMethods.TIMER_NAME).tag("id", "100").timer().count())
			.isPositive()
			.isLessThanOrEqualTo((long) handled / 64);
	}

	@Test
	void aPlayerLogsInMovesAndChatsAndTheScrapeCountsItByMessageId() throws Exception {
		assertThat(this.handler).isInstanceOf(PacketDispatcher.class);
		try (TestClient client = TestClient.connect(this.port); TestClient stranger = TestClient.connect(this.port)) {
			client.send(IdPackets.concat(HEADER.encode(1, Login.newBuilder().setName("ada").build()),
					HEADER.encode(3, Move.newBuilder().setX(3).setY(4).setSeq(1).build()),
					HEADER.encode(5, Chat.newBuilder().setText("gg").build())));
			IdPackets.Packet login = HEADER.read(client);
			assertThat(login.id()).isEqualTo(2);
			assertThat(LoginResult.parseFrom(login.payload()).getOk()).isTrue();
			IdPackets.Packet position = HEADER.read(client);
			assertThat(position.id()).isEqualTo(4);
			assertThat(Position.parseFrom(position.payload()).getY()).isEqualTo(4f);
			IdPackets.Packet chat = HEADER.read(client);
			assertThat(chat.id()).isEqualTo(5);
			assertThat(Chat.parseFrom(chat.payload()).getText()).isEqualTo("gg");
			stranger.send(HEADER.encode(999, new byte[0]));
			assertThat(stranger.isClosedByServer()).isTrue();
		}
		ActuatorClient actuator = new ActuatorClient(this.managementPort);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			String scrape = actuator.get("/actuator/prometheus").body();
			assertThat(scrape).contains("servercore_packets_handled_total{id=\"1\"} 1.0")
				.contains("servercore_packets_handled_total{id=\"3\"} 1.0")
				.contains("servercore_packets_handled_total{id=\"unknown\"} 1.0")
				.contains("servercore_sessions_closed_sessions_total{reason=\"PROTOCOL_ERROR\"} 1");
		});
	}

}
