package dev.servercore.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The server under test: the fat jar started as a child process on loopback ports, read over its Actuator
 * HTTP port and {@code /proc}.
 */
final class Server {

	/** What a scenario measured before it started: the figures that must come back afterwards. */
	record Baseline(long heap, long direct, long fds, long rss) {
	}

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

	final String name;

	final int port;

	final int managementPort;

	final Path log;

	final Process process;

	final long pid;

	final String framing;

	private Server(String name, int port, int managementPort, Path log, Process process, String framing) {
		this.name = name;
		this.port = port;
		this.managementPort = managementPort;
		this.log = log;
		this.process = process;
		this.pid = process.pid();
		this.framing = framing;
	}

	/**
	 * Starts a server and waits until its health answers.
	 * @param suite the suite (jar, output folder, settings)
	 * @param name the log file's name
	 * @param settings {@code servercore.*} and other Spring settings, as {@code key=value}; JVM options start
	 * with {@code -}
	 * @param withThrowingHandler whether to add the suite's test handler
	 */
	static Server start(Suite suite, String name, List<String> settings, boolean withThrowingHandler) {
		int port = freePort();
		int management = freePort();
		List<String> jvm = new ArrayList<>(List.of("-Xmx512m", "-Dio.netty.leakDetection.level=" + suite.leakLevel));
		List<String> args = new ArrayList<>();
		if (withThrowingHandler) {
			jvm.add("-Dloader.path=" + suite.handler);
			jvm.add("-Dloader.main=dev.servercore.app.ServerCoreApplication");
			args.addAll(List.of("-cp", suite.jar.toString(), "org.springframework.boot.loader.launch.PropertiesLauncher"));
		}
		else {
			args.addAll(List.of("-jar", suite.jar.toString()));
		}
		args.add("--servercore.port=" + port);
		args.add("--servercore.host=127.0.0.1");
		args.add("--server.port=" + management);
		args.add("--server.address=127.0.0.1");
		args.add("--servercore.io.transport=" + suite.transport);
		String framing = "raw";
		for (String setting : settings) {
			if (setting.startsWith("-")) {
				jvm.add(setting);
				continue;
			}
			args.add("--" + setting);
			if (setting.startsWith("servercore.framing=")) {
				framing = setting.substring(setting.indexOf('=') + 1);
			}
			if (setting.startsWith("servercore.io.transport=")) {
				args.remove("--servercore.io.transport=" + suite.transport);
			}
		}
		Path log = suite.out.resolve(name + ".log");
		Process process = Proc.measuredJava(jvm, args, log);
		Server server = new Server(name, port, management, log, process, framing);
		long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
		while (!Proc.read(log).contains("servercore started on") || server.healthStatus() != 200) {
			if (!process.isAlive() || System.nanoTime() > deadline) {
				Proc.kill(process);
				throw new IllegalStateException("servercore did not start, see " + log);
			}
			Proc.sleep(200);
		}
		return server;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	String get(String path) {
		try {
			HttpResponse<String> response = http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + path))
						.timeout(Duration.ofSeconds(3))
						.build(),
					HttpResponse.BodyHandlers.ofString());
			return response.statusCode() + " " + response.body();
		}
		catch (IOException ex) {
			return "-1 " + ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "-1 interrupted";
		}
	}

	/**
	 * The status code of {@code /actuator/health} on a new connection (so that it needs a descriptor in the
	 * server, unlike a pooled one), -1 if it did not answer within 3 s.
	 */
	int healthStatusOnNewConnection() {
		try (java.net.Socket socket = new java.net.Socket()) {
			socket.connect(new java.net.InetSocketAddress("127.0.0.1", this.managementPort), 3000);
			socket.setSoTimeout(3000);
			socket.getOutputStream().write(("GET /actuator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
				.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			String status = new String(socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
			return Integer.parseInt(status.substring(9, 12));
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/** The status code of {@code /actuator/health}, -1 if it did not answer within 3 s. */
	int healthStatus() {
		String answer = get("/actuator/health");
		return Integer.parseInt(answer.substring(0, answer.indexOf(' ')));
	}

	/** One Prometheus scrape; empty if Actuator did not answer. */
	Metrics scrape() {
		String answer = get("/actuator/prometheus");
		return new Metrics(answer.startsWith("200 ") ? answer.substring(4) : "");
	}

	/** Runs a full garbage collection in the server ({@code jcmd GC.run}). */
	void gc() {
		try {
			Process jcmd = new ProcessBuilder(Proc.javaBin("jcmd").toString(), Long.toString(this.pid), "GC.run")
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			Proc.waitFor(jcmd, 30);
		}
		catch (IOException ex) {
			// without jcmd the heap figure is after the last collection
		}
	}

	/** Heap used after a full collection, direct memory, descriptors and resident memory. */
	Baseline measure() {
		gc();
		Metrics metrics = scrape();
		return new Baseline(metrics.heap(), metrics.direct(), Proc.fds(this.pid), Proc.rss(this.pid));
	}

	long liveConnections() {
		return Proc.connectionsOnPort(this.pid, this.port);
	}

	String logText() {
		return Proc.read(this.log);
	}

	/** Stops the server (SIGTERM, then SIGKILL after 40 s). */
	void stop() {
		if (this.process.isAlive()) {
			this.process.destroy();
			if (!Proc.waitFor(this.process, 40)) {
				Proc.kill(this.process);
			}
		}
	}

}
