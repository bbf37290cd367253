package dev.servercore.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * A text client on loopback, as {@code nc} is for a person: writes lines, reads lines, every read with a
 * timeout so that a test fails instead of hanging.
 */
public final class LineClient implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final Socket socket;

	private final BufferedReader in;

	private final OutputStream out;

	private LineClient(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
		this.out = socket.getOutputStream();
	}

	public static LineClient connect(int port) {
		try {
			Socket socket = new Socket();
			socket.setTcpNoDelay(true);
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
			return new LineClient(socket);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public LineClient send(String line) {
		try {
			this.out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
			this.out.flush();
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads one line.
	 * @return the line without its newline, or {@code null} at end of stream
	 */
	public String readLine() {
		try {
			return this.in.readLine();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads lines until one matches, skipping the others.
	 * @param match what to wait for
	 * @return the matching line
	 * @throws AssertionError at end of stream
	 */
	public String readUntil(Predicate<String> match) {
		while (true) {
			String line = readLine();
			if (line == null) {
				throw new AssertionError("end of stream before the expected line");
			}
			if (match.test(line)) {
				return line;
			}
		}
	}

	/**
	 * Sends a line, then reads the first line that matches.
	 * @param line the line to send
	 * @param match what to wait for
	 * @return the matching line
	 */
	public String ask(String line, Predicate<String> match) {
		send(line);
		return readUntil(match);
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
