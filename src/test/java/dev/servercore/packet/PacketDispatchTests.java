package dev.servercore.packet;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.servercore.core.PacketFraming;
import dev.servercore.core.Session;
import dev.servercore.core.SessionSettings;
import dev.servercore.example.game.Chat;
import dev.servercore.example.game.Echo;
import dev.servercore.example.game.Emote;
import dev.servercore.example.game.GameController;
import dev.servercore.example.game.Login;
import dev.servercore.example.game.LoginResult;
import dev.servercore.example.game.Move;
import dev.servercore.example.game.Position;
import dev.servercore.support.CoreServer;
import dev.servercore.support.IdPackets;
import dev.servercore.support.TestClient;
import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The example game protocol through {@link PacketDispatcher} on a real server and real sockets: Protocol Buffers,
 * JSON and raw packets with 2- and 4-byte ids in both byte orders, split at every byte and many in one read;
 * replies in request order whether plain, {@code CompletionStage} or {@code Mono}.
 */
class PacketDispatchTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final MeterRegistry meters = new SimpleMeterRegistry();

	@AfterEach
	void closeMeters() {
		this.meters.close();
	}

	static Stream<IdPackets> headers() {
		return Stream.of(new IdPackets(4, 2, ByteOrder.BIG_ENDIAN, false), new IdPackets(4, 2, ByteOrder.LITTLE_ENDIAN, false),
				new IdPackets(2, 4, ByteOrder.BIG_ENDIAN, false), new IdPackets(4, 4, ByteOrder.LITTLE_ENDIAN, false),
				new IdPackets(2, 2, ByteOrder.LITTLE_ENDIAN, true), new IdPackets(4, 4, ByteOrder.BIG_ENDIAN, true));
	}

	private CoreServer start(IdPackets header, Object... controllers) {
		PacketFraming framing = PacketFraming
			.lengthPrefixed(header.lengthFieldBytes(), header.order(), header.includesHeader(), 4096)
			.withIdField(header.idFieldBytes());
		Map<String, Object> beans = new java.util.LinkedHashMap<>();
		for (Object controller : controllers) {
			beans.put(controller.getClass().getSimpleName(), controller);
		}
		PacketDispatcher dispatcher = PacketHandlerMethods.dispatcher(beans,
				List.of(new ProtobufCodec(), new JsonCodec(JsonMapper.builder().build())), framing, this.meters);
		return CoreServer.start(SessionSettings.DEFAULTS.withFraming(framing), dispatcher);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("headers")
	void everyPacketSplitAtEveryByteArrivesAndIsAnswered(IdPackets header) {
		try (CoreServer server = start(header, new GameController()); TestClient client = TestClient.connect(server.port())) {
			List<byte[]> requests = List.of(header.encode(1, Login.newBuilder().setName("ada").build()),
					header.encode(3, Move.newBuilder().setX(1.5f).setY(-2f).setSeq(7).build()),
					header.encode(5, Chat.newBuilder().setText("hi").build()),
					header.encode(20, "{\"name\":\"wave\",\"times\":2}".getBytes(StandardCharsets.UTF_8)),
					header.encode(100, Echo.newBuilder().setData(ByteString.copyFromUtf8("echo")).build()),
					header.encode(GameController.RAW_REVERSE_ID, new byte[] { 1, 2, 3 }));
			Session session = await().atMost(WAIT).until(() -> server.registry().snapshot().stream().findFirst().orElse(null),
					(found) -> found != null);
			long sent = 0;
			for (byte[] request : requests) {
				for (int cut = 1; cut < request.length; cut++) {
					client.send(Arrays.copyOfRange(request, 0, cut));
					// The first part is read on its own before the rest is sent.
					long expected = sent + cut;
					await().atMost(WAIT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
						.until(() -> session.bytesReceived() == expected);
					client.send(Arrays.copyOfRange(request, cut, request.length));
					sent += request.length;
					assertReply(header.read(client), request, header);
				}
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("headers")
	void manyPacketsInOneReadAreAnsweredInRequestOrder(IdPackets header) throws Exception {
		try (CoreServer server = start(header, new GameController()); TestClient client = TestClient.connect(server.port())) {
			List<byte[]> requests = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				requests.add(header.encode(1, Login.newBuilder().setName("p" + i).build()));
				requests.add(header.encode(3, Move.newBuilder().setSeq(i).build()));
				requests.add(header.encode(5, Chat.newBuilder().setText("line " + i).build()));
				requests.add(header.encode(3, Move.newBuilder().setSeq(1000 + i).build()));
				requests.add(header.encode(20, ("{\"name\":\"e" + i + "\",\"times\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
			}
			client.send(IdPackets.concat(requests.toArray(byte[][]::new)));
			for (byte[] request : requests) {
				assertReply(header.read(client), request, header);
			}
			assertThat(this.meters.get(PacketHandlerMethods.METER_NAME).tag("id", "3").counter().count()).isEqualTo(40);
		}
	}

	@Test
	void anUnknownIdOrAnUndecodablePayloadClosesWithProtocolErrorAndSparesTheOthers() {
		IdPackets header = new IdPackets(4, 2, ByteOrder.BIG_ENDIAN, false);
		try (CoreServer server = start(header, new GameController());
				TestClient good = TestClient.connect(server.port());
				TestClient unknown = TestClient.connect(server.port());
				TestClient garbage = TestClient.connect(server.port())) {
			byte[] move = header.encode(3, Move.newBuilder().setSeq(1).build());
			assertReply(header.read(good.send(move)), move, header);
			unknown.send(header.encode(4242, new byte[] { 1 }));
			assertThat(unknown.isClosedByServer()).isTrue();
			// Field 1 with wire type 7 does not exist: not a Move.
			garbage.send(header.encode(3, new byte[] { 0x0F, 0x01 }));
			assertThat(garbage.isClosedByServer()).isTrue();
			await().atMost(WAIT).until(() -> server.closed("PROTOCOL_ERROR") == 2);
			assertThat(this.meters.get(PacketHandlerMethods.METER_NAME).tag("id", "unknown").counter().count()).isEqualTo(1);
			assertReply(header.read(good.send(move)), move, header);
		}
	}

	@Test
	void aPacketTooShortForItsIdClosesWithProtocolError() {
		IdPackets header = new IdPackets(2, 2, ByteOrder.LITTLE_ENDIAN, true);
		try (CoreServer server = start(header, new GameController()); TestClient client = TestClient.connect(server.port())) {
			// The length (3) counts the header but leaves one byte for a two-byte id.
			client.send(new byte[] { 3, 0, 7 });
			assertThat(client.isClosedByServer()).isTrue();
			await().atMost(WAIT).until(() -> server.closed("PROTOCOL_ERROR") == 1);
		}
	}

	@Test
	void anUnknownIdGoesToTheUnknownPacketHandlerWhenThereIsOne() {
		IdPackets header = new IdPackets(4, 2, ByteOrder.LITTLE_ENDIAN, false);
		try (CoreServer server = start(header, new GameController(), new Fallback());
				TestClient client = TestClient.connect(server.port())) {
			client.send(header.encode(4242, new byte[] { 9, 8 }));
			IdPackets.Packet reply = header.read(client);
			assertThat(reply.id()).isEqualTo(4242);
			assertThat(reply.payload()).containsExactly(9, 8);
			byte[] move = header.encode(3, Move.newBuilder().setSeq(2).build());
			assertReply(header.read(client.send(move)), move, header);
			assertThat(this.meters.get(PacketHandlerMethods.METER_NAME).tag("id", "unknown").counter().count()).isEqualTo(1);
		}
	}

	@Test
	void aClientThatOutrunsItsRepliesIsClosedOnceTheWaitingRepliesReachTheCap() {
		IdPackets header = new IdPackets(4, 2, ByteOrder.BIG_ENDIAN, false);
		try (CoreServer server = start(header, new GameController(), new Stuck());
				TestClient client = TestClient.connect(server.port())) {
			byte[][] packets = new byte[ReplyQueue.MAX_WAITING + 1][];
			// One reply that never completes, then plain replies that must wait behind it.
			packets[0] = header.encode(Stuck.NEVER_ID, new byte[0]);
			for (int i = 1; i < packets.length; i++) {
				packets[i] = header.encode(3, Move.newBuilder().setSeq(i).build());
			}
			client.send(IdPackets.concat(packets));
			assertThat(client.isClosedByServer()).isTrue();
			await().atMost(WAIT).until(() -> server.closed("SLOW_CONSUMER") == 1);
		}
	}

	@PacketController
	static class Stuck {

		static final int NEVER_ID = 40;

		@PacketHandler(id = NEVER_ID)
		reactor.core.publisher.Mono<io.netty.buffer.ByteBuf> never() {
			return reactor.core.publisher.Mono.never();
		}

	}

	@PacketController
	static class Fallback {

		@UnknownPacketHandler
		io.netty.buffer.ByteBuf unknown(int id, io.netty.buffer.ByteBuf payload) {
			return payload.retain();
		}

	}

	/** Checks a reply against what the example controller answers to the request. */
	private static void assertReply(IdPackets.Packet reply, byte[] request, IdPackets header) {
		try {
			int headerBytes = header.lengthFieldBytes() + header.idFieldBytes();
			java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(request).order(header.order());
			int id = (header.idFieldBytes() == 2) ? Short.toUnsignedInt(buffer.getShort(header.lengthFieldBytes()))
					: buffer.getInt(header.lengthFieldBytes());
			byte[] payload = Arrays.copyOfRange(request, headerBytes, request.length);
			switch (id) {
				case 1 -> {
					assertThat(reply.id()).isEqualTo(2);
					assertThat(LoginResult.parseFrom(reply.payload()).getOk()).isTrue();
				}
				case 3 -> {
					assertThat(reply.id()).isEqualTo(4);
					assertThat(Position.parseFrom(reply.payload()).getSeq()).isEqualTo(Move.parseFrom(payload).getSeq());
				}
				case 5 -> {
					assertThat(reply.id()).isEqualTo(5);
					Chat chat = Chat.parseFrom(reply.payload());
					assertThat(chat.getText()).isEqualTo(Chat.parseFrom(payload).getText());
					assertThat(chat.getFrom()).startsWith("session-");
				}
				case 20 -> {
					assertThat(reply.id()).isEqualTo(20);
					JsonMapper json = JsonMapper.builder().build();
					assertThat(json.readValue(reply.payload(), Emote.class)).isEqualTo(json.readValue(payload, Emote.class));
				}
				case 100 -> {
					assertThat(reply.id()).isEqualTo(100);
					assertThat(reply.payload()).isEqualTo(payload);
				}
				case GameController.RAW_REVERSE_ID -> {
					assertThat(reply.id()).isEqualTo(GameController.RAW_REVERSE_ID);
					byte[] reversed = new byte[payload.length];
					for (int i = 0; i < payload.length; i++) {
						reversed[i] = payload[payload.length - 1 - i];
					}
					assertThat(reply.payload()).isEqualTo(reversed);
				}
				default -> throw new AssertionError("no reply expected for id " + id);
			}
		}
		catch (com.google.protobuf.InvalidProtocolBufferException ex) {
			throw new AssertionError(ex);
		}
	}

}
