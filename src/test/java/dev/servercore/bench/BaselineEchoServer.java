package dev.servercore.bench;

import java.util.Locale;

import dev.servercore.core.EventLoops;
import dev.servercore.core.Transport;
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
		for (int i = 0; i + 1 < args.length; i += 2) {
			switch (args[i]) {
				case "--host" -> host = args[i + 1];
				case "--port" -> port = Integer.parseInt(args[i + 1]);
				case "--transport" -> transport = Transport.valueOf(args[i + 1].toUpperCase(Locale.ROOT));
				case "--workers" -> workers = Integer.parseInt(args[i + 1]);
				default -> throw new IllegalArgumentException("Unknown option: " + args[i]);
			}
		}
		EventLoops loops = EventLoops.create(transport, workers, "baseline-io");
		DisposableServer server = start(host, port, loops);
		System.out.printf("baseline listening on %s:%d (%s transport, %d workers)%n", host, server.port(),
				loops.transport().displayName(), loops.workers());
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			server.disposeNow();
			loops.disposeLater().block();
		}));
		server.onDispose().block();
	}

	/**
	 * Binds the echo server.
	 * @param host the address to bind
	 * @param port the port, 0 for an ephemeral one
	 * @param loops the event loops
	 * @return the bound server
	 */
	public static DisposableServer start(String host, int port, EventLoops loops) {
		return TcpServer.create()
			.host(host)
			.port(port)
			.runOn(loops)
			// The idiomatic Reactor Netty echo: each received buffer is retained and sent back.
			.handle((inbound, outbound) -> outbound.send(inbound.receive().retain()))
			.bindNow();
	}

}
