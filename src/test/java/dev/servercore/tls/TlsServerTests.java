package dev.servercore.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import dev.servercore.actuate.ServerCoreMeters;
import dev.servercore.app.ServerCoreApplication;
import dev.servercore.bench.BenchOptions;
import dev.servercore.bench.BenchSummary;
import dev.servercore.bench.LoadClient;
import dev.servercore.core.CloseReason;
import dev.servercore.core.Session;
import dev.servercore.core.SessionListener;
import dev.servercore.core.SessionRegistry;
import dev.servercore.support.EchoHandlerConfiguration;
import dev.servercore.support.TestCertificates;
import dev.servercore.support.TestCertificates.Issued;
import dev.servercore.support.TlsClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.netty.tcp.TcpClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The game port with TLS from a PEM SSL bundle whose files are laid out as Kubernetes mounts a Secret (symlinks
 * through {@code ..data}), with real handshakes: TLS 1.3 and 1.2 echo, TLS 1.1 refused, {@code openssl s_client},
 * rotation without a restart, failed and stalled handshakes closed with {@link CloseReason#TLS_HANDSHAKE_FAILED}
 * while a good client keeps echoing, and the TLS meters. One server for the class.
 */
@ExtendWith(OutputCaptureExtension.class)
@Import(EchoHandlerConfiguration.class)
// Closed after the class: its file watcher follows files under target/ that nothing else uses.
@DirtiesContext
@SpringBootTest(classes = ServerCoreApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "servercore.port=0", "servercore.ssl.bundle=game", "servercore.ssl.handshake-timeout=2s",
				"spring.ssl.bundle.pem.game.reload-on-update=true", "spring.ssl.bundle.watch.file.quiet-period=100ms", "logging.level.dev.servercore.core=DEBUG" })
class TlsServerTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final Path SECRET;

	private static final Issued CA = TestCertificates.authority("servercore test CA");

	private static final Issued FIRST = TestCertificates.server(CA, BigInteger.valueOf(1001));

	private static final SSLContext CLIENT = TestCertificates.clientContext(CA, null);

	static {
		try {
			SECRET = Files.createTempDirectory(Files.createDirectories(Path.of("target/tls-tests")), "tls");
			mountSecret(SECRET, "..2026_11_30_first", FIRST);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Value("${local.servercore.port}")
	int port;

	@Autowired
	MeterRegistry meters;

	@Autowired
	SessionRegistry registry;

	@DynamicPropertySource
	static void bundle(DynamicPropertyRegistry properties) {
		properties.add("spring.ssl.bundle.pem.game.keystore.certificate", () -> "file:" + SECRET.resolve("tls.crt"));
		properties.add("spring.ssl.bundle.pem.game.keystore.private-key", () -> "file:" + SECRET.resolve("tls.key"));
	}

	@Test
	void echoesOverTls13AndTls12RefusesTls11AndSaysWhichEngineItUses(CapturedOutput output) {
		double failuresBefore = closed(CloseReason.TLS_HANDSHAKE_FAILED);
		double handshakesBefore = this.meters.get(TlsMeters.HANDSHAKES).counter().count();
		for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
			try (TlsClient client = TlsClient.connect(this.port, CLIENT, protocol)) {
				assertThat(client.protocol()).isEqualTo(protocol);
				assertThat(client.echo("hello over " + protocol + "\n")).isEqualTo("hello over " + protocol + "\n");
			}
		}
		// The JDK's client will not even offer TLS 1.1; Netty's OpenSSL client does, with a cipher TLS 1.1 has.
		assumeThat(OpenSsl.isAvailable()).as("netty-tcnative loads on this machine").isTrue();
		SslContext tls11 = build(SslContextBuilder.forClient()
			.sslProvider(SslProvider.OPENSSL)
			.protocols("TLSv1.1")
			.ciphers(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"))
			.trustManager(InsecureTrustManagerFactory.INSTANCE));
		assertThatThrownBy(() -> TcpClient.create()
			.host("127.0.0.1")
			.port(this.port)
			.secure((spec) -> spec.sslContext(tls11))
			.connectNow(Duration.ofSeconds(10))).hasStackTraceContaining("PROTOCOL_VERSION");
		await().atMost(WAIT).until(() -> closed(CloseReason.TLS_HANDSHAKE_FAILED) == failuresBefore + 1);
		assertThat(this.meters.get(TlsMeters.HANDSHAKE_FAILURES).counter().count()).isGreaterThanOrEqualTo(1);
		assertThat(this.meters.get(TlsMeters.HANDSHAKES).counter().count()).isGreaterThanOrEqualTo(handshakesBefore + 2);
		assertThat(output).contains("servercore started on")
			.contains("TLS (bundle 'game', TLSv1.3/TLSv1.2, client-auth none, OpenSSL engine)");
	}

	@Test
	void opensslSClientEchoesThroughThePort() throws Exception {
		Path openssl = List.of("/usr/bin/openssl", "/usr/local/bin/openssl", "/bin/openssl")
			.stream()
			.map(Path::of)
			.filter(Files::isExecutable)
			.findFirst()
			.orElse(null);
		assumeThat(openssl).as("openssl not found on this machine: the s_client echo is skipped").isNotNull();
		Path caFile = SECRET.resolve("test-ca.crt");
		CA.writeCertificate(caFile);
		Process process = new ProcessBuilder(openssl.toString(), "s_client", "-connect", "127.0.0.1:" + this.port,
				"-CAfile", caFile.toString(), "-verify_return_error", "-verify_hostname", "localhost", "-quiet")
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		try (OutputStream in = process.getOutputStream();
				BufferedReader out = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			in.write("hello from openssl\n".getBytes(StandardCharsets.UTF_8));
			in.flush();
			assertThat(out.readLine()).isEqualTo("hello from openssl");
		}
		finally {
			process.destroy();
			process.waitFor(5, TimeUnit.SECONDS);
		}
	}

	@Test
	void aRenewedCertificateServesNewConnectionsWhileAnOpenSessionKeepsEchoing(CapturedOutput output)
			throws IOException {
		try (TlsClient old = TlsClient.connect(this.port, CLIENT)) {
			BigInteger before = old.serverSerial();
			Issued renewed = TestCertificates.server(CA, before.add(BigInteger.valueOf(7)));
			// As the kubelet updates a Secret's volume: new files in a new directory, then ..data swapped to it.
			mountSecret(SECRET, "..renewed_" + renewed.serial(), renewed);
			await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
				try (TlsClient fresh = TlsClient.connect(this.port, CLIENT)) {
					assertThat(fresh.serverSerial()).isEqualTo(renewed.serial());
					assertThat(fresh.echo("new\n")).isEqualTo("new\n");
				}
			});
			assertThat(old.serverSerial()).isEqualTo(before);
			assertThat(old.echo("still here\n")).isEqualTo("still here\n");
			double expiry = renewed.certificate().getNotAfter().toInstant().getEpochSecond()
					- System.currentTimeMillis() / 1000.0;
			assertThat(this.meters.get(TlsMeters.CERTIFICATE_EXPIRY).gauge().value()).isCloseTo(expiry, within(60.0));
			assertThat(output).contains("servercore TLS bundle 'game' reloaded: new connections get "
					+ renewed.certificate().getSubjectX500Principal().getName() + " (serial "
					+ renewed.serial().toString(16) + "), valid until");
		}
	}

	@Test
	void plaintextAndStalledHandshakesCloseWithTheirReasonWhileAGoodClientIsUnharmed() throws Exception {
		// Sessions of the other tests still closing would blur the counts.
		await().atMost(WAIT).until(() -> this.registry.size() == 0);
		double failuresBefore = closed(CloseReason.TLS_HANDSHAKE_FAILED);
		double peerClosedBefore = closed(CloseReason.PEER_CLOSED);
		Set<Integer> opened = ConcurrentHashMap.newKeySet();
		SessionListener recorder = new SessionListener() {

			@Override
			public void onOpen(Session session) {
				opened.add(session.remoteAddress().getPort());
			}

		};
		this.registry.addListener(recorder);
		try (TlsClient good = TlsClient.connect(this.port, CLIENT);
				Socket plaintext = plainSocket();
				Socket stalled = plainSocket()) {
			assertThat(good.echo("before\n")).isEqualTo("before\n");
			// A TCP health check: connects and leaves before any handshake. It closed; nothing failed.
			plainSocket().close();
			await().atMost(WAIT).until(() -> closed(CloseReason.PEER_CLOSED) == peerClosedBefore + 1);
			plaintext.getOutputStream().write("hello in plaintext\n".getBytes(StandardCharsets.UTF_8));
			// The start of a ClientHello record, never finished.
			stalled.getOutputStream().write(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 });
			long start = System.nanoTime();
			assertThat(closedByServer(plaintext)).as("plaintext connection closed").isTrue();
			assertThat(closedByServer(stalled)).as("stalled handshake closed").isTrue();
			// The handshake timeout is 2s in this test; well before the 10s read timeout.
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
			await().atMost(WAIT).until(() -> closed(CloseReason.TLS_HANDSHAKE_FAILED) == failuresBefore + 2);
			assertThat(closed(CloseReason.PEER_CLOSED)).isEqualTo(peerClosedBefore + 1);
			assertThat(opened).as("sessions that reached the registry and the handler")
				.doesNotContain(plaintext.getLocalPort(), stalled.getLocalPort());
			assertThat(good.echo("after\n")).isEqualTo("after\n");
		}
		finally {
			this.registry.removeListener(recorder);
		}
	}

	@Test
	void theLoadClientStreamsOverTlsTrustingTheCaAndClosesCleanly() {
		Path caFile = SECRET.resolve("load-client-ca.crt");
		CA.writeCertificate(caFile);
		// Sessions of the other tests still closing would blur the counts.
		await().atMost(WAIT).until(() -> this.registry.size() == 0);
		double peerClosed = closed(CloseReason.PEER_CLOSED);
		double all = this.meters.get(ServerCoreMeters.SESSIONS_CLOSED).counters().stream().mapToDouble((c) -> c.count()).sum();
		BenchSummary summary = new LoadClient(BenchOptions.parse("--port", Integer.toString(this.port), "--tls-ca",
				caFile.toString(), "--mode", "stream", "--connections", "2", "--size", "16KiB", "--warmup", "200ms",
				"--duration", "700ms", "--no-progress"), System.out).run();
		assertThat(summary.isSuccess()).as(summary.firstErrors().toString()).isTrue();
		assertThat(summary.messages()).isPositive();
		assertThat(summary.mismatches()).isZero();
		await().atMost(WAIT).until(() -> this.meters.get(ServerCoreMeters.SESSIONS_CLOSED).counters().stream()
			.mapToDouble((c) -> c.count()).sum() - all >= 2);
		// close_notify, then FIN: the server sees its peer close, not a reset or a failed record.
		assertThat(closed(CloseReason.PEER_CLOSED) - peerClosed)
			.as(() -> this.meters.get(ServerCoreMeters.SESSIONS_CLOSED).counters().stream()
				.filter((c) -> c.count() > 0).map((c) -> c.getId().getTag(ServerCoreMeters.REASON_TAG) + "=" + c.count())
				.toList().toString())
			.isEqualTo(2);
	}

	private Socket plainSocket() throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
		socket.setSoTimeout(10_000);
		return socket;
	}

	private static boolean closedByServer(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		try {
			// A TLS alert may come first; then the end of the stream.
			while (in.read() != -1) {
				// discard
			}
			return true;
		}
		catch (java.net.SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

	private double closed(CloseReason reason) {
		return this.meters.get(ServerCoreMeters.SESSIONS_CLOSED)
			.tag(ServerCoreMeters.REASON_TAG, reason.name())
			.counter()
			.count();
	}

	// tls.crt -> ..data/tls.crt, ..data -> <version>: the layout of a Secret volume, updated the kubelet's way.
	static void mountSecret(Path dir, String version, Issued certificate) throws IOException {
		Path versionDir = Files.createDirectories(dir.resolve(version));
		certificate.writePem(versionDir.resolve("tls.crt"), versionDir.resolve("tls.key"));
		Path data = dir.resolve("..data");
		Path next = dir.resolve("..data_tmp");
		Files.deleteIfExists(next);
		Files.createSymbolicLink(next, Path.of(version));
		Files.move(next, data, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		for (String name : List.of("tls.crt", "tls.key")) {
			Path link = dir.resolve(name);
			if (!Files.isSymbolicLink(link)) {
				Files.createSymbolicLink(link, Path.of("..data", name));
			}
		}
	}

	private static SslContext build(SslContextBuilder builder) {
		try {
			return builder.build();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
