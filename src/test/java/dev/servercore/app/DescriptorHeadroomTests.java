package dev.servercore.app;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.servercore.support.ActuatorClient;
import dev.servercore.support.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service at its open-file limit: started under {@code prlimit --nofile} with a {@code max-sessions} the
 * limit cannot hold, it lowers the session limit to leave {@code servercore.limits.descriptor-headroom} free,
 * and with more clients connected than descriptors exist, Actuator still answers on new HTTP connections
 * (before the headroom, its acceptor spun and scrapes timed out).
 */
class DescriptorHeadroomTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final int OPEN_FILE_LIMIT = 1024;

	private static final int HEADROOM = 256;

	private static final Pattern TCP_PORT = Pattern.compile("servercore started on [^ ]*:(\\d+) ");

	private static final Pattern HTTP_PORT = Pattern.compile("Netty started on port (\\d+)");

	@Test
	void actuatorAnswersWhileClientsHoldEveryDescriptorSessionsMayUse(@TempDir Path dir) throws Exception {
		Path log = dir.resolve("server.log");
		List<String> command = new ArrayList<>(List.of("prlimit", "--nofile=" + OPEN_FILE_LIMIT, "--", javaCommand(),
				"-Xmx256m", "-cp", mainClassPath(), ServerCoreApplication.class.getName(), "--servercore.host=127.0.0.1",
				"--servercore.port=0", "--server.port=0", "--servercore.limits.max-sessions=5000",
				"--servercore.limits.descriptor-headroom=" + HEADROOM));
		Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		List<TestClient> clients = new ArrayList<>();
		try {
			await().atMost(WAIT).until(() -> !server.isAlive() || HTTP_PORT.matcher(read(log)).find()
					&& TCP_PORT.matcher(read(log)).find());
			assertThat(server.isAlive()).as(read(log)).isTrue();
			int tcpPort = port(TCP_PORT, log);
			int httpPort = port(HTTP_PORT, log);
			int maxSessions = OPEN_FILE_LIMIT - HEADROOM;
			assertThat(read(log)).contains("servercore.limits.max-sessions (5000) lowered to " + maxSessions);

			// More clients than the process has descriptors: the session limit refuses those past it.
			for (int i = 0; i < OPEN_FILE_LIMIT + 100; i++) {
				clients.add(TestClient.connect(tcpPort));
			}
			await().atMost(WAIT).ignoreExceptions().until(() -> {
				Map<String, Double> samples = new ActuatorClient(httpPort).servercoreSamples();
				return samples.get("servercore_sessions_active_sessions") == maxSessions
						&& samples.get("servercore_connections_rejected_connections_total") >= 100;
			});

			// Every request on a new HTTP connection, which needs a descriptor of its own.
			for (int i = 0; i < 20; i++) {
				HttpResponse<String> health = new ActuatorClient(httpPort).get("/actuator/health");
				assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
				assertThat(health.body()).contains("\"status\":\"UP\"");
			}
			assertThat(new ActuatorClient(httpPort).status("/actuator/prometheus")).isEqualTo(200);

			// A held session still echoes.
			TestClient first = clients.get(0);
			first.send(new byte[] { 1, 2, 3 });
			assertThat(first.read(3)).containsExactly(1, 2, 3);
		}
		finally {
			clients.forEach(TestClient::close);
			server.destroy();
			if (!server.waitFor(20, TimeUnit.SECONDS)) {
				server.destroyForcibly();
			}
		}
	}

	// The application as it ships: its classes and libraries, not the tests' configurations.
	private static String mainClassPath() {
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.endsWith("test-classes"))
			.collect(Collectors.joining(File.pathSeparator));
	}

	private static int port(Pattern pattern, Path log) throws IOException {
		Matcher matcher = pattern.matcher(read(log));
		assertThat(matcher.find()).isTrue();
		return Integer.parseInt(matcher.group(1));
	}

	private static String read(Path log) throws IOException {
		return Files.readString(log, StandardCharsets.UTF_8);
	}

	private static String javaCommand() {
		return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
	}

}
