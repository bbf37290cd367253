package dev.servercore.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A blocking TCP client on loopback for tests: every read has a timeout, so a test fails instead of hanging.
 */
public final class TestClient implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private TestClient(Socket socket) throws IOException {
		this.socket = socket;
		this.in = socket.getInputStream();
		this.out = socket.getOutputStream();
	}

	public static TestClient connect(int port) {
		return connect(port, null);
	}

	/**
	 * Connects from a given loopback source address, such as 127.0.0.2.
	 * @param port the server port on 127.0.0.1
	 * @param sourceAddress the local address to bind, or {@code null} for any
	 * @return the connected client
	 */
	public static TestClient connect(int port, String sourceAddress) {
		try {
			Socket socket = new Socket();
			if (sourceAddress != null) {
				socket.bind(new InetSocketAddress(sourceAddress, 0));
			}
			socket.setTcpNoDelay(true);
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
			return new TestClient(socket);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public Socket socket() {
		return this.socket;
	}

	public TestClient send(byte[] data) {
		try {
			this.out.write(data);
			this.out.flush();
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public byte[] read(int length) {
		try {
			return this.in.readNBytes(length);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads until the server closes the connection, returning what came before.
	 * @return the bytes read before end of stream
	 */
	public byte[] readToEnd() {
		try {
			return this.in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns whether the server closed the connection (end of stream or reset) within the read timeout.
	 * @return {@code true} once the peer is gone
	 */
	public boolean isClosedByServer() {
		try {
			this.in.readAllBytes();
			return true;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

	/** Aborts the connection: SO_LINGER 0 sends a reset instead of a FIN. */
	public void reset() {
		try {
			this.socket.setSoLinger(true, 0);
			this.socket.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
