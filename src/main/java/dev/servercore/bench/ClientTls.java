package dev.servercore.bench;

import java.io.IOException;
import java.io.UncheckedIOException;

import javax.net.ssl.SSLException;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

/**
 * The load client's TLS: a client context on Netty's OpenSSL engine when it loads (the JDK's otherwise) that
 * trusts the certificate authority given with {@code --tls-ca}, the JDK's trusted authorities without it, or any
 * certificate with {@code --tls-trust-any} (tests only).
 */
final class ClientTls {

	private ClientTls() {
	}

	/**
	 * Builds the client context for the options.
	 * @param options the load client's options, with TLS on
	 * @return the context
	 */
	static SslContext context(BenchOptions options) {
		SslContextBuilder builder = SslContextBuilder.forClient()
			.sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
		if (options.tlsTrustAny()) {
			builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
		}
		else if (options.tlsCa() != null) {
			builder.trustManager(options.tlsCa().toFile());
		}
		try {
			return builder.build();
		}
		catch (SSLException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (IllegalArgumentException ex) {
			throw new UncheckedIOException(new IOException("--tls-ca " + options.tlsCa() + ": " + ex.getMessage(), ex));
		}
	}

}
