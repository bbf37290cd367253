package dev.servercore.bench;

import java.io.File;
import java.util.Locale;

import javax.net.ssl.SSLException;

import dev.servercore.core.EventLoops;
import dev.servercore.core.ServerTls;
import dev.servercore.core.Transport;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/**
 * The benchmark's baseline: a bare Reactor Netty {@link TcpServer} echo, with no sessions, registry, metrics
 * or framing, on the same {@link EventLoops} (transport and worker count) as servercore.
 *
 * <p>It runs on {@code EventLoops} rather than Reactor Netty's own loop resources because Reactor Netty
 * 1.3.6 detects only the incubator io_uring transport, not Netty 4.2's, so its default would not be the
 * transport servercore uses. Run by {@code bench/run.sh}:
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/bench-classpath.txt) \
 *     dev.servercore.bench.BaselineEchoServer --port 7100 --transport io_uring --workers 1
 * </pre>
 *
 * <p>With {@code --tls-cert FILE --tls-key FILE} (PEM) it is a bare Reactor Netty TLS echo ({@code secure(...)}, on
 * the same engine as servercore: OpenSSL when it loads, TLS 1.3 and 1.2), the baseline of bench/run.sh's tls
 * section.
 */
public final class BaselineEchoServer {

	private BaselineEchoServer() {
	}

	public static void main(String[] args) {
		if (System.getProperty("logback.configurationFile") == null) {
			System.setProperty("logback.configurationFile", "dev/servercore/bench/bench-logback.xml");
		}
		String host = "127.0.0.1";
		int port = 7100;
		Transport transport = Transport.AUTO;
		int workers = EventLoops.DEFAULT_WORKERS;
		String tlsCert = null;
		String tlsKey = null;
		for (int i = 0; i + 1 < args.length; i += 2) {
			switch (args[i]) {
				case "--host" -> host = args[i + 1];
				case "--port" -> port = Integer.parseInt(args[i + 1]);
				case "--transport" -> transport = Transport.valueOf(args[i + 1].toUpperCase(Locale.ROOT));
				case "--workers" -> workers = Integer.parseInt(args[i + 1]);
				case "--tls-cert" -> tlsCert = args[i + 1];
				case "--tls-key" -> tlsKey = args[i + 1];
				default -> throw new IllegalArgumentException("Unknown option: " + args[i]);
			}
		}
		EventLoops loops = EventLoops.create(transport, workers, "baseline-io");
		SslContext tls = (tlsCert != null) ? tls(tlsCert, tlsKey) : null;
		DisposableServer server = start(host, port, loops, tls);
		System.out.printf("baseline listening on %s:%d (%s transport, %d workers%s)%n", host, server.port(),
				loops.transport().displayName(), loops.workers(),
				(tls != null) ? ", TLS with the " + (ServerTls.isOpenSsl(tls) ? "OpenSSL" : "JDK") + " engine" : "");
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			server.disposeNow();
			loops.disposeLater().block();
		}));
		server.onDispose().block();
	}

	private static SslContext tls(String certificate, String key) {
		try {
			return SslContextBuilder.forServer(new File(certificate), new File(key))
				.sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
				.protocols("TLSv1.3", "TLSv1.2")
				.build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException("Cannot serve TLS with " + certificate + " and " + key, ex);
		}
	}

	/**
	 * Binds the echo server.
	 * @param host the address to bind
	 * @param port the port, 0 for an ephemeral one
	 * @param loops the event loops
	 * @return the bound server
	 */
	public static DisposableServer start(String host, int port, EventLoops loops) {
		return start(host, port, loops, null);
	}

	/**
	 * Binds the echo server, with TLS when {@code tls} is given.
	 * @param host the address to bind
	 * @param port the port, 0 for an ephemeral one
	 * @param loops the event loops
	 * @param tls the server context, or {@code null} for plaintext
	 * @return the bound server
	 */
	public static DisposableServer start(String host, int port, EventLoops loops, SslContext tls) {
		TcpServer server = TcpServer.create();
		if (tls != null) {
			server = server.secure((spec) -> spec.sslContext(tls));
		}
		return server
			.host(host)
			.port(port)
			.runOn(loops)
			// The idiomatic Reactor Netty echo: each received buffer is retained and sent back.
			.handle((inbound, outbound) -> outbound.send(inbound.receive().retain()))
			.bindNow();
	}

}
