package dev.servercore.bench;

import java.util.Locale;

import dev.servercore.actuate.ServerCoreMeters;
import dev.servercore.core.EchoHandler;
import dev.servercore.core.EventLoops;
import dev.servercore.core.ServerCore;
import dev.servercore.core.ServerMetrics;
import dev.servercore.core.SessionPipeline;
import dev.servercore.core.SessionRegistry;
import dev.servercore.core.SessionSettings;
import dev.servercore.core.Transport;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * servercore's core without Spring, for finding where servercore's path costs more than the baseline: the
 * same session pipeline and echo handler, with no metrics ({@code --metrics none}) or with the Micrometer
 * meters on a Prometheus registry ({@code --metrics prometheus}, as the application has them).
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/bench-classpath.txt) \
 *     dev.servercore.bench.CoreEchoServer --port 7200 --transport io_uring --metrics none
 * </pre>
 */
public final class CoreEchoServer {

	private CoreEchoServer() {
	}

	public static void main(String[] args) {
		if (System.getProperty("logback.configurationFile") == null) {
			System.setProperty("logback.configurationFile", "dev/servercore/bench/bench-logback.xml");
		}
		String host = "127.0.0.1";
		int port = 7200;
		Transport transport = Transport.AUTO;
		int workers = EventLoops.DEFAULT_WORKERS;
		boolean metered = false;
		for (int i = 0; i + 1 < args.length; i += 2) {
			switch (args[i]) {
				case "--host" -> host = args[i + 1];
				case "--port" -> port = Integer.parseInt(args[i + 1]);
				case "--transport" -> transport = Transport.valueOf(args[i + 1].toUpperCase(Locale.ROOT));
				case "--workers" -> workers = Integer.parseInt(args[i + 1]);
				case "--metrics" -> metered = args[i + 1].equals("prometheus");
				default -> throw new IllegalArgumentException("Unknown option: " + args[i]);
			}
		}
		EventLoops loops = EventLoops.create(transport, workers, "core-io");
		SessionRegistry registry = new SessionRegistry();
		ServerMetrics metrics = metered
				? new ServerCoreMeters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), registry)
				: ServerMetrics.NONE;
		SessionPipeline pipeline = new SessionPipeline(registry, new EchoHandler(), metrics, SessionSettings.DEFAULTS);
		ServerCore server = new ServerCore(ServerCore.tcpServer(host, port, loops, pipeline, null), registry, loops);
		server.start();
		System.out.printf("core listening on %s:%d (%s transport, %d workers, metrics %s)%n", host, server.port(),
				loops.transport().displayName(), loops.workers(), metered ? "prometheus" : "none");
		Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
	}

}
