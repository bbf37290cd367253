package dev.servercore.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A blocking TLS test client on the JDK's {@link SSLSocket}: connects, handshakes with the protocols asked for,
 * and echoes text. Every read has a timeout, so a test cannot hang.
 */
public final class TlsClient implements AutoCloseable {

	private static final int READ_TIMEOUT_MILLIS = 10_000;

	private final SSLSocket socket;

	private TlsClient(SSLSocket socket) {
		this.socket = socket;
	}

	/**
	 * Connects to {@code 127.0.0.1:port} and completes the handshake.
	 * @param port the server port
	 * @param context the client context (trust, and a client certificate if any)
	 * @param protocols the protocols to offer, for example {@code TLSv1.3}
	 * @return the connected client
	 * @throws UncheckedIOException if the connection or the handshake fails
	 */
	public static TlsClient connect(int port, SSLContext context, String... protocols) {
		SSLSocket socket = null;
		try {
			socket = (SSLSocket) context.getSocketFactory().createSocket();
			socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
			socket.setSoTimeout(READ_TIMEOUT_MILLIS);
			if (protocols.length > 0) {
				socket.setEnabledProtocols(protocols);
			}
			socket.startHandshake();
			return new TlsClient(socket);
		}
		catch (IOException ex) {
			closeQuietly(socket);
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Sends {@code text} and reads back as many bytes.
	 * @param text what to send
	 * @return what came back
	 */
	public String echo(String text) {
		send(text);
		return read(text.getBytes(StandardCharsets.UTF_8).length);
	}

	/**
	 * Sends text.
	 * @param text what to send
	 */
	public void send(String text) {
		try {
			OutputStream out = this.socket.getOutputStream();
			out.write(text.getBytes(StandardCharsets.UTF_8));
			out.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads exactly {@code length} bytes.
	 * @param length how many
	 * @return them, as UTF-8 text
	 */
	public String read(int length) {
		try {
			InputStream in = this.socket.getInputStream();
			byte[] data = in.readNBytes(length);
			return new String(data, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads until the server ends the stream or the connection fails.
	 * @return {@code true} if it ended (end of stream or an error), {@code false} on a read timeout
	 */
	public boolean awaitClosedByServer() {
		try {
			return this.socket.getInputStream().read() == -1;
		}
		catch (java.net.SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

	/**
	 * Returns the negotiated protocol.
	 * @return for example {@code TLSv1.3}
	 */
	public String protocol() {
		return this.socket.getSession().getProtocol();
	}

	/**
	 * Returns the serial number of the certificate the server presented.
	 * @return the serial
	 */
	public BigInteger serverSerial() {
		try {
			return ((X509Certificate) this.socket.getSession().getPeerCertificates()[0]).getSerialNumber();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		closeQuietly(this.socket);
	}

	private static void closeQuietly(SSLSocket socket) {
		if (socket != null) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}
	}

}
