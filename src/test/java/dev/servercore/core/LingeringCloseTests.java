package dev.servercore.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import dev.servercore.support.CoreServer;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A close that flushes delivers every byte sent before it, even to a client that keeps sending while it reads
 * (as game clients do with inputs and heartbeats): the server shuts down its output, reads and discards until
 * the client's end of stream, then closes. A plain close with unread input would make Linux answer with a
 * reset and drop what was still in the send buffer.
 */
class LingeringCloseTests {

	private static final int ANSWER_BYTES = 200 * 1024;

	private static final int CHUNK = 8 * 1024;

	@ParameterizedTest
	@EnumSource(value = Transport.class, names = { "IO_URING", "EPOLL", "NIO" })
	void everythingSentBeforeACloseArrivesWhileTheClientKeepsSending(Transport transport) throws Exception {
		// On the first read: a 200 KiB answer, then a close that flushes.
		SessionHandler answerThenClose = (session, data) -> {
			if (session.bytesSent() == 0) {
				for (int offset = 0; offset < ANSWER_BYTES; offset += CHUNK) {
					session.send(Unpooled.wrappedBuffer(pattern(offset, CHUNK)));
				}
				session.close(CloseReason.CLOSED_BY_APPLICATION);
			}
		};
		try (CoreServer server = CoreServer.start(transport, SessionSettings.DEFAULTS, answerThenClose);
				Socket client = connectWithSmallReceiveBuffer(server.port())) {
			AtomicBoolean reading = new AtomicBoolean(true);
			Thread inputs = new Thread(() -> {
				try {
					while (reading.get()) {
						client.getOutputStream().write(new byte[] { 'i', 'n', 'p', 'u', 't' });
						// Pacing, not synchronisation: a stream of small inputs, as a game client sends.
						LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
					}
				}
				catch (IOException ex) {
					// The server is gone: nothing more to send.
				}
			}, "client-inputs");
			inputs.start();
			byte[] received = readUntilEndOrReset(client.getInputStream());
			reading.set(false);
			inputs.join(10_000);
			assertThat(received.length).as("bytes received before the close").isEqualTo(ANSWER_BYTES);
			assertThat(received).isEqualTo(pattern(0, ANSWER_BYTES));
		}
	}

	// A small receive window keeps most of the answer in the server's send buffer when it closes, as with a
	// client on a real network.
	private static Socket connectWithSmallReceiveBuffer(int port) throws IOException {
		Socket socket = new Socket();
		socket.setReceiveBufferSize(4096);
		socket.setSoTimeout(10_000);
		socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
		return socket;
	}

	private static byte[] readUntilEndOrReset(InputStream in) {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		byte[] buffer = new byte[1024];
		try {
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				received.write(buffer, 0, read);
			}
		}
		catch (IOException ex) {
			// A reset: what arrived before it is what counts.
		}
		return received.toByteArray();
	}

	private static byte[] pattern(int offset, int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) ((offset + i) * 31 >>> 3);
		}
		return bytes;
	}

}
