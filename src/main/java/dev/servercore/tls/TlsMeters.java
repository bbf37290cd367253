package dev.servercore.tls;

import dev.servercore.core.ServerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * TLS meters of the game port: handshakes, handshake failures, and the seconds until the served certificate
 * expires (an alert can fire well before it lapses).
 */
public final class TlsMeters implements ServerMetrics {

	/** Counter of TLS handshakes that succeeded. */
	public static final String HANDSHAKES = "servercore.tls.handshakes";

	/** Counter of TLS handshakes that failed or timed out (sessions closed with TLS_HANDSHAKE_FAILED). */
	public static final String HANDSHAKE_FAILURES = "servercore.tls.handshake.failures";

	/** Gauge of the seconds until the certificate served to new connections expires. */
	public static final String CERTIFICATE_EXPIRY = "servercore.tls.certificate.expiry";

	/** Tag naming the SSL bundle. */
	public static final String BUNDLE_TAG = "bundle";

	private final Counter handshakes;

	private final Counter failures;

	/**
	 * Registers the meters.
	 * @param registry where to register them
	 * @param tls the game port's TLS
	 */
	public TlsMeters(MeterRegistry registry, SslBundleTls tls) {
		Tags tags = Tags.of(BUNDLE_TAG, tls.bundleName());
		this.handshakes = Counter.builder(HANDSHAKES)
			.description("TLS handshakes on the game port that succeeded")
			.tags(tags)
			.register(registry);
		this.failures = Counter.builder(HANDSHAKE_FAILURES)
			.description("TLS handshakes on the game port that failed or timed out (closed with TLS_HANDSHAKE_FAILED)")
			.tags(tags)
			.register(registry);
		Gauge.builder(CERTIFICATE_EXPIRY, tls, SslBundleTls::secondsUntilExpiry)
			.description("Seconds until the certificate served to new game connections expires")
			.baseUnit("seconds")
			.tags(tags)
			.register(registry);
	}

	@Override
	public void tlsHandshakeSucceeded() {
		this.handshakes.increment();
	}

	@Override
	public void tlsHandshakeFailed() {
		this.failures.increment();
	}

}
