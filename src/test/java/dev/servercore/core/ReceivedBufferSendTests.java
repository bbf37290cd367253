package dev.servercore.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import dev.servercore.support.CoreServer;
import dev.servercore.support.Packets;
import dev.servercore.support.TestClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sending the very buffer {@code onReceive} was handed, without {@code retain()}, is safe: the send borrows a
 * reference of its own, so the peer gets exactly the bytes it sent, never another read's. The explicit
 * {@code send(data.retain())} keeps working, without leaks (the leak detector runs at paranoid).
 */
class ReceivedBufferSendTests {

	private static final int SESSIONS = 16;

	private static final int PACKETS = 60;

	@ParameterizedTest(name = "{0} framing, retain: {1}")
	@CsvSource({ "raw, false", "raw, true", "packets, false", "packets, true" })
	void echoingTheReceivedBufferSendsExactlyItsBytes(String framing, boolean retain) throws Exception {
		boolean packets = framing.equals("packets");
		SessionHandler echo = retain ? (session, data) -> session.send(data.retain())
				: (session, data) -> session.send(data);
		SessionSettings settings = SessionSettings.DEFAULTS.withFraming(
				packets ? PacketFraming.lengthPrefixed(4, ByteOrder.BIG_ENDIAN, false, 64 * 1024) : PacketFraming.RAW);
		ExecutorService clients = Executors.newFixedThreadPool(SESSIONS);
		try (CoreServer server = CoreServer.start(settings, echo)) {
			List<Future<Void>> results = new ArrayList<>();
			for (int i = 0; i < SESSIONS; i++) {
				results.add(clients.submit(echoRandomPayloads(server.port(), packets)));
			}
			for (Future<Void> result : results) {
				result.get();
			}
			assertThat(server.closed("HANDLER_ERROR")).isZero();
		}
		finally {
			clients.shutdownNow();
		}
	}

	// Random payloads written in bursts, so that reads hold several packets and writes wait for the read's end.
	private static Callable<Void> echoRandomPayloads(int port, boolean packets) {
		return () -> {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			try (TestClient client = TestClient.connect(port)) {
				for (int burst = 0; burst < PACKETS / 10; burst++) {
					List<byte[]> payloads = new ArrayList<>();
					ByteArrayOutputStream expected = new ByteArrayOutputStream();
					for (int i = 0; i < 10; i++) {
						byte[] payload = new byte[1 + random.nextInt(2000)];
						random.nextBytes(payload);
						payloads.add(payload);
						expected.write(payload);
					}
					if (packets) {
						client.send(Packets.DEFAULT.encodeAll(payloads));
						ByteArrayOutputStream echoed = new ByteArrayOutputStream();
						for (byte[] answer : Packets.DEFAULT.read(client, payloads.size())) {
							echoed.write(answer);
						}
						assertThat(Arrays.equals(echoed.toByteArray(), expected.toByteArray())).as("echo of burst %d", burst).isTrue();
					}
					else {
						client.send(expected.toByteArray());
						assertThat(Arrays.equals(client.read(expected.size()), expected.toByteArray())).as("echo of burst %d", burst).isTrue();
					}
				}
			}
			return null;
		};
	}

}
