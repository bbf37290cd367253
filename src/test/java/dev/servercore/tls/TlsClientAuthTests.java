package dev.servercore.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.servercore.actuate.ServerCoreMeters;
import dev.servercore.app.ServerCoreApplication;
import dev.servercore.core.CloseReason;
import dev.servercore.core.Session;
import dev.servercore.core.SessionHandler;
import dev.servercore.support.TestCertificates;
import dev.servercore.support.TestCertificates.Issued;
import dev.servercore.support.TlsClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code servercore.ssl.client-auth=need} with the bundle's trust material: a client without a certificate, or with
 * one the trust material does not know, is closed with {@link CloseReason#TLS_HANDSHAKE_FAILED}; a trusted one's
 * verified subject reaches the handler ({@link Session#peerSubject()}).
 */
// Closed after the class: its file watcher follows files under target/ that nothing else uses.
@DirtiesContext
@SpringBootTest(classes = { ServerCoreApplication.class, TlsClientAuthTests.SubjectHandler.class },
		webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "servercore.port=0", "servercore.ssl.bundle=game", "servercore.ssl.client-auth=need" })
class TlsClientAuthTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final Issued CA = TestCertificates.authority("servercore test CA");

	private static final Path DIR;

	static {
		try {
			DIR = Files.createTempDirectory(Files.createDirectories(Path.of("target/tls-tests")), "mtls");
			TestCertificates.server(CA, java.math.BigInteger.TEN).writePem(DIR.resolve("tls.crt"), DIR.resolve("tls.key"));
			CA.writeCertificate(DIR.resolve("ca.crt"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Value("${local.servercore.port}")
	int port;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void bundle(DynamicPropertyRegistry properties) {
		properties.add("spring.ssl.bundle.pem.game.keystore.certificate", () -> "file:" + DIR.resolve("tls.crt"));
		properties.add("spring.ssl.bundle.pem.game.keystore.private-key", () -> "file:" + DIR.resolve("tls.key"));
		properties.add("spring.ssl.bundle.pem.game.truststore.certificate", () -> "file:" + DIR.resolve("ca.crt"));
	}

	@Test
	void aTrustedClientCertificatesSubjectReachesTheHandler() {
		Issued player = TestCertificates.client(CA, "CN=player-1,O=Example Game");
		try (TlsClient client = TlsClient.connect(this.port, TestCertificates.clientContext(CA, player), "TLSv1.3")) {
			String greeting = "subject=" + player.certificate().getSubjectX500Principal().getName() + "\n";
			assertThat(client.read(greeting.length())).isEqualTo(greeting);
			assertThat(client.echo("ping\n")).isEqualTo("ping\n");
		}
	}

	@Test
	void clientsWithoutATrustedCertificateAreClosedWithTlsHandshakeFailed() {
		double before = closed(CloseReason.TLS_HANDSHAKE_FAILED);
		Issued stranger = TestCertificates.client(TestCertificates.authority("another CA"), "CN=stranger");
		for (Issued identity : new Issued[] { null, stranger }) {
			// With TLS 1.3 the client finishes its side before the server checks its certificate: the refusal
			// arrives as an alert or the end of the stream on the first read, never as a greeting.
			try (TlsClient client = TlsClient.connect(this.port, TestCertificates.clientContext(CA, identity),
					"TLSv1.3")) {
				assertThat(client.awaitClosedByServer()).isTrue();
			}
			catch (UncheckedIOException refusedDuringTheHandshake) {
				// as good: closed before the client's handshake finished
			}
		}
		await().atMost(WAIT).until(() -> closed(CloseReason.TLS_HANDSHAKE_FAILED) == before + 2);
		assertThat(this.meters.get(TlsMeters.HANDSHAKE_FAILURES).counter().count()).isGreaterThanOrEqualTo(2);
	}

	private double closed(CloseReason reason) {
		return this.meters.get(ServerCoreMeters.SESSIONS_CLOSED)
			.tag(ServerCoreMeters.REASON_TAG, reason.name())
			.counter()
			.count();
	}

	/** Greets each session with its verified peer subject, then echoes. */
	@TestConfiguration(proxyBeanMethods = false)
	static class SubjectHandler {

		@Bean
		@Primary
		SessionHandler subjectHandler() {
			return new SessionHandler() {

				@Override
				public void onOpen(Session session) {
					session.send(("subject=" + session.peerSubject() + "\n").getBytes(StandardCharsets.UTF_8));
				}

				@Override
				public void onReceive(Session session, ByteBuf data) {
					session.send(data.retain());
				}

			};
		}

	}

}
