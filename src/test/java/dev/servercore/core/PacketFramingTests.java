package dev.servercore.core;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import dev.servercore.support.CoreServer;
import dev.servercore.support.Packets;
import dev.servercore.support.TestClient;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Length-prefixed framing over real sockets: random packet sequences, cut at random points, reach the
 * handler exactly as sent, for both header sizes and byte orders; garbage never hurts the server.
 */
class PacketFramingTests {

	private static final int MAX_SIZE = 4096;

	static Stream<Arguments> headers() {
		return Stream.of(Arguments.of(2, ByteOrder.BIG_ENDIAN, false), Arguments.of(2, ByteOrder.LITTLE_ENDIAN, false),
				Arguments.of(4, ByteOrder.BIG_ENDIAN, false), Arguments.of(4, ByteOrder.LITTLE_ENDIAN, false),
				Arguments.of(2, ByteOrder.BIG_ENDIAN, true), Arguments.of(4, ByteOrder.LITTLE_ENDIAN, true));
	}

	@ParameterizedTest(name = "{0}-byte length, {1}, includes header: {2}")
	@MethodSource("headers")
	void randomPacketsSplitAtRandomPointsArriveWholeAndInOrder(int lengthFieldBytes, ByteOrder order,
			boolean includesHeader) {
		PacketFraming framing = PacketFraming.lengthPrefixed(lengthFieldBytes, order, includesHeader, MAX_SIZE);
		Packets packets = new Packets(lengthFieldBytes, order, includesHeader);
		List<byte[]> received = new CopyOnWriteArrayList<>();
		SessionHandler recordAndEcho = (session, data) -> {
			received.add(ByteBufUtil.getBytes(data));
			session.send(data.retain());
		};
		for (long seed = 1; seed <= 5; seed++) {
			received.clear();
			Random random = new Random(seed * 31 + lengthFieldBytes);
			List<byte[]> sent = randomPayloads(random, 200);
			byte[] stream = packets.encodeAll(sent);
			try (CoreServer server = CoreServer.start(SessionSettings.DEFAULTS.withFraming(framing), recordAndEcho);
					TestClient client = TestClient.connect(server.port())) {
				for (byte[] chunk : randomSplit(random, stream)) {
					client.send(chunk);
				}
				List<byte[]> echoed = packets.read(client, sent.size());
				assertThat(received).as("seed %d: packets seen by the handler", seed)
					.usingElementComparator(Arrays::compare)
					.containsExactlyElementsOf(sent);
				assertThat(echoed).as("seed %d: packets echoed", seed)
					.usingElementComparator(Arrays::compare)
					.containsExactlyElementsOf(sent);
				assertThat(server.meters().get("servercore.packets.received").functionCounter().count())
					.isEqualTo(sent.size());
			}
		}
	}

	@Test
	void randomGarbageNeverCrashesTheServer() {
		PacketFraming framing = PacketFraming.lengthPrefixed(4, ByteOrder.BIG_ENDIAN, false, MAX_SIZE);
		Random random = new Random(7);
		try (CoreServer server = CoreServer.start(SessionSettings.DEFAULTS.withFraming(framing), new EchoHandler())) {
			List<TestClient> garbage = new ArrayList<>();
			for (int i = 0; i < 30; i++) {
				byte[] noise = new byte[1 + random.nextInt(8192)];
				random.nextBytes(noise);
				garbage.add(TestClient.connect(server.port()).send(noise));
			}
			try (TestClient good = TestClient.connect(server.port())) {
				byte[] hello = "still here".getBytes();
				good.send(Packets.DEFAULT.encode(hello));
				assertThat(Packets.DEFAULT.read(good)).isEqualTo(hello);
			}
			garbage.forEach(TestClient::close);
			await().atMost(Duration.ofSeconds(20)).until(() -> server.registry().size() == 0);
			assertThat(server.closed("FRAME_TOO_LARGE") + server.closed("PROTOCOL_ERROR")).isPositive();
		}
	}

	@Test
	void aMaximumThatDoesNotFitTheLengthFieldIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> PacketFraming.lengthPrefixed(2, ByteOrder.BIG_ENDIAN, false, 70_000))
			.withMessageContaining("65535");
		assertThatIllegalArgumentException().isThrownBy(() -> PacketFraming.lengthPrefixed(3, ByteOrder.BIG_ENDIAN, false, 10))
			.withMessageContaining("lengthFieldBytes");
	}

	private static List<byte[]> randomPayloads(Random random, int count) {
		List<byte[]> payloads = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			int size = switch (random.nextInt(10)) {
				case 0 -> 0;
				case 1 -> MAX_SIZE;
				default -> random.nextInt(300);
			};
			byte[] payload = new byte[size];
			random.nextBytes(payload);
			payloads.add(payload);
		}
		return payloads;
	}

	// Cuts the stream at random points, headers included, down to single bytes.
	private static List<byte[]> randomSplit(Random random, byte[] stream) {
		List<byte[]> chunks = new ArrayList<>();
		int offset = 0;
		while (offset < stream.length) {
			int size = Math.min(stream.length - offset, 1 + random.nextInt(random.nextBoolean() ? 7 : 3000));
			chunks.add(Arrays.copyOfRange(stream, offset, offset + size));
			offset += size;
		}
		return chunks;
	}

}
