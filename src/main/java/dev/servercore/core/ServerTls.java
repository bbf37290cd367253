package dev.servercore.core;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Objects;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * TLS on the game port: the server {@link SslContext} that new connections handshake with, replaceable at run
 * time (a renewed certificate), and how long a handshake may take.
 *
 * <p>Each accepted channel gets an {@link SslHandler} nearest the socket; its session is handed to the
 * {@link SessionHandler} only once the handshake succeeded. A failed handshake, or one that does not finish
 * within the timeout, closes the session with {@link CloseReason#TLS_HANDSHAKE_FAILED}. Sessions keep the
 * context they handshook with: {@link #update(SslContext)} changes only what new connections get.
 *
 * <pre>
 * SslContext context = SslContextBuilder.forServer(certificateFile, keyFile).build();
 * ServerTls tls = new ServerTls(context, ServerTls.DEFAULT_HANDSHAKE_TIMEOUT);
 * SessionPipeline pipeline = new SessionPipeline(registry, handler, metrics, settings, budget, tls);
 * </pre>
 */
public final class ServerTls {

	/** How long a handshake may take by default. */
	public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

	private final long handshakeTimeoutMillis;

	private final String description;

	private volatile SslContext context;

	/**
	 * Creates the TLS settings of a server.
	 * @param context the server context new connections use
	 * @param handshakeTimeout how long a handshake may take; a slower one closes its session
	 */
	public ServerTls(SslContext context, Duration handshakeTimeout) {
		this(context, handshakeTimeout, "");
	}

	/**
	 * Creates the TLS settings of a server, with a description for the start line.
	 * @param context the server context new connections use
	 * @param handshakeTimeout how long a handshake may take; a slower one closes its session
	 * @param description where the context comes from and what it allows, for example
	 * {@code bundle 'game', TLSv1.3/TLSv1.2, client-auth none}
	 */
	public ServerTls(SslContext context, Duration handshakeTimeout, String description) {
		this.description = Objects.requireNonNull(description, "description");
		this.context = checkServer(context);
		Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
		if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
			throw new IllegalArgumentException("handshakeTimeout must be positive, was: " + handshakeTimeout);
		}
		this.handshakeTimeoutMillis = handshakeTimeout.toMillis();
	}

	/**
	 * Replaces the context for the connections accepted from now on; open sessions keep theirs.
	 * @param context the new server context
	 */
	public void update(SslContext context) {
		this.context = checkServer(context);
	}

	/**
	 * Returns the context new connections handshake with.
	 * @return the current context
	 */
	public SslContext context() {
		return this.context;
	}

	/**
	 * Returns how long a handshake may take.
	 * @return the handshake timeout
	 */
	public Duration handshakeTimeout() {
		return Duration.ofMillis(this.handshakeTimeoutMillis);
	}

	/**
	 * Returns which TLS engine the current context uses: {@code OpenSSL} (Netty's netty-tcnative, BoringSSL) or
	 * {@code JDK}.
	 * @return the engine's name
	 */
	public String engine() {
		return isOpenSsl(this.context) ? "OpenSSL" : "JDK";
	}

	/**
	 * Returns whether a context runs on Netty's OpenSSL engine.
	 * @param context the context
	 * @return {@code true} for OpenSSL, {@code false} for the JDK's engine
	 */
	public static boolean isOpenSsl(SslContext context) {
		return context instanceof ReferenceCountedOpenSslContext;
	}

	/**
	 * Describes the TLS for the start line, engine included.
	 * @return for example {@code TLS (bundle 'game', TLSv1.3/TLSv1.2, client-auth none, OpenSSL engine)}
	 */
	@Override
	public String toString() {
		return "TLS (" + (this.description.isEmpty() ? "" : this.description + ", ") + engine() + " engine)";
	}

	SslHandler newHandler(ByteBufAllocator allocator) {
		SslHandler handler = this.context.newHandler(allocator);
		handler.setHandshakeTimeoutMillis(this.handshakeTimeoutMillis);
		return handler;
	}

	// The subject of the certificate the peer presented and the handshake verified, or null if it sent none.
	static String peerSubject(SSLSession session) {
		try {
			Certificate[] chain = session.getPeerCertificates();
			if (chain.length > 0 && chain[0] instanceof X509Certificate certificate) {
				return certificate.getSubjectX500Principal().getName();
			}
			return null;
		}
		catch (SSLPeerUnverifiedException ex) {
			return null;
		}
	}

	private static SslContext checkServer(SslContext context) {
		Objects.requireNonNull(context, "context");
		if (!context.isServer()) {
			throw new IllegalArgumentException("A server SslContext is needed (SslContextBuilder.forServer), was a client one");
		}
		return context;
	}

}
