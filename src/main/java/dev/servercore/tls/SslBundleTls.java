package dev.servercore.tls;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SSLException;

import dev.servercore.autoconfigure.ServerCoreProperties.Ssl.ClientAuth;
import dev.servercore.core.ServerTls;
import dev.servercore.diagnostics.InvalidSettingException;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;

/**
 * The game port's {@link ServerTls}, built from a Spring Boot {@link SslBundle} and rebuilt whenever the bundle
 * reloads (its {@code reload-on-update}): new connections get the renewed certificate, open sessions keep theirs.
 *
 * <p>Netty's OpenSSL engine (netty-tcnative, BoringSSL) is used when it loads, the JDK's otherwise. Protocols
 * and ciphers come from the bundle's options; without protocols there, TLS 1.2 and 1.3 only.
 */
public final class SslBundleTls {

	/** The protocols allowed when the bundle's options name none. */
	public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

	private static final Logger logger = LoggerFactory.getLogger(SslBundleTls.class);

	private final String bundleName;

	private final ClientAuth clientAuth;

	private final ServerTls tls;

	private volatile X509Certificate certificate;

	/**
	 * Builds the TLS settings from the named bundle and follows its reloads.
	 * @param bundles the application's SSL bundles
	 * @param bundleName the bundle's name ({@code servercore.ssl.bundle})
	 * @param clientAuth whether clients present a certificate ({@code servercore.ssl.client-auth})
	 * @param handshakeTimeout how long a handshake may take ({@code servercore.ssl.handshake-timeout})
	 * @throws InvalidSettingException if there is no such bundle, or it cannot serve TLS as configured
	 */
	public SslBundleTls(SslBundles bundles, String bundleName, ClientAuth clientAuth,
			Duration handshakeTimeout) {
		this.bundleName = bundleName;
		this.clientAuth = clientAuth;
		SslBundle bundle = bundle(bundles, bundleName);
		this.tls = new ServerTls(context(bundle), handshakeTimeout, describe(bundle));
		this.certificate = certificate(bundle);
		bundles.addBundleUpdateHandler(bundleName, this::reload);
	}

	/**
	 * Returns the TLS settings the session pipeline uses.
	 * @return the server's TLS
	 */
	public ServerTls serverTls() {
		return this.tls;
	}

	/**
	 * Returns the bundle's name.
	 * @return the name
	 */
	public String bundleName() {
		return this.bundleName;
	}

	/**
	 * Returns the certificate new connections are served.
	 * @return the server certificate, or {@code null} if the bundle's key store has none
	 */
	public X509Certificate certificate() {
		return this.certificate;
	}

	/**
	 * Returns the seconds until the served certificate expires, negative once it has.
	 * @return the seconds left, or {@code NaN} without a certificate
	 */
	public double secondsUntilExpiry() {
		X509Certificate served = this.certificate;
		if (served == null) {
			return Double.NaN;
		}
		return served.getNotAfter().toInstant().getEpochSecond() - Instant.now().getEpochSecond();
	}

	// Called by Boot's file watcher thread once the bundle's files changed and it reloaded the bundle.
	void reload(SslBundle bundle) {
		try {
			SslContext context = context(bundle);
			X509Certificate renewed = certificate(bundle);
			this.tls.update(context);
			this.certificate = renewed;
			if (renewed != null) {
				logger.info("servercore TLS bundle '{}' reloaded: new connections get {} (serial {}), valid until {}",
						this.bundleName, renewed.getSubjectX500Principal().getName(), renewed.getSerialNumber().toString(16),
						renewed.getNotAfter().toInstant());
			}
			else {
				logger.info("servercore TLS bundle '{}' reloaded", this.bundleName);
			}
		}
		catch (RuntimeException ex) {
			logger.error("servercore TLS bundle '{}' changed but cannot serve TLS; new connections keep the previous "
					+ "certificate", this.bundleName, ex);
		}
	}

	private static SslBundle bundle(SslBundles bundles, String name) {
		try {
			return bundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidSettingException("servercore.ssl.bundle", name,
					"there is no SSL bundle named '" + name + "' (configured: " + bundles.getBundleNames() + ")",
					"Define it with spring.ssl.bundle.pem." + name + ".keystore.certificate and .private-key (or "
							+ "spring.ssl.bundle.jks." + name + ".keystore.location), or set servercore.ssl.bundle to one "
							+ "of the configured bundles.",
					ex);
		}
	}

	private SslContext context(SslBundle bundle) {
		if (this.clientAuth != ClientAuth.NONE && bundle.getStores().getTrustStore() == null) {
			throw new InvalidSettingException("servercore.ssl.client-auth", this.clientAuth.name().toLowerCase(Locale.ROOT),
					"client certificates are verified with the bundle's trust material, and bundle '" + this.bundleName
							+ "' has none",
					"Set spring.ssl.bundle.pem." + this.bundleName + ".truststore.certificate (the CA that signs client "
							+ "certificates), or servercore.ssl.client-auth=none.",
					null);
		}
		SslOptions options = bundle.getOptions();
		String[] protocols = options.getEnabledProtocols();
		SslContextBuilder builder = SslContextBuilder.forServer(bundle.getManagers().getKeyManagerFactory())
			.sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
			.protocols((protocols != null) ? Arrays.asList(protocols) : DEFAULT_PROTOCOLS);
		if (options.getCiphers() != null) {
			builder.ciphers(Arrays.asList(options.getCiphers()));
		}
		if (this.clientAuth != ClientAuth.NONE) {
			builder.trustManager(bundle.getManagers().getTrustManagerFactory())
				.clientAuth((this.clientAuth == ClientAuth.NEED) ? io.netty.handler.ssl.ClientAuth.REQUIRE
						: io.netty.handler.ssl.ClientAuth.OPTIONAL);
		}
		try {
			return builder.build();
		}
		catch (SSLException | IllegalArgumentException ex) {
			throw new InvalidSettingException("servercore.ssl.bundle", this.bundleName,
					"SSL bundle '" + this.bundleName + "' cannot serve TLS: " + ex.getMessage(),
					"Check the bundle's key, certificate, protocols and ciphers (spring.ssl.bundle.*." + this.bundleName
							+ ".*).",
					ex);
		}
	}

	// For the start line: "bundle 'game', TLSv1.3/TLSv1.2, client-auth none".
	private String describe(SslBundle bundle) {
		String[] protocols = bundle.getOptions().getEnabledProtocols();
		return "bundle '" + this.bundleName + "', "
				+ String.join("/", (protocols != null) ? Arrays.asList(protocols) : DEFAULT_PROTOCOLS) + ", client-auth "
				+ this.clientAuth.name().toLowerCase(Locale.ROOT);
	}

	// The certificate of the bundle's key entry (its alias when it names one).
	private static X509Certificate certificate(SslBundle bundle) {
		KeyStore store = bundle.getStores().getKeyStore();
		if (store == null) {
			return null;
		}
		try {
			String alias = bundle.getKey().getAlias();
			List<String> aliases = (alias != null) ? List.of(alias) : Collections.list(store.aliases());
			for (String candidate : aliases) {
				if (store.isKeyEntry(candidate) && store.getCertificate(candidate) instanceof X509Certificate x509) {
					return x509;
				}
			}
			return null;
		}
		catch (KeyStoreException ex) {
			return null;
		}
	}

}
