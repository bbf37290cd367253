package com.example.game;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import dev.servercore.autoconfigure.ServerCoreProperties;
import dev.servercore.core.EchoHandler;
import dev.servercore.core.SessionHandler;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The game server as its users see it: its handler answers over servercore's TCP listener, with the framing
 * its application.yaml chose; the game keeps its own name and servercore's operating defaults (Actuator on
 * 8081, the exposed endpoints, the probe groups with the servercore checks). The test itself moves both
 * ports to free ones.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "servercore.port=0")
class GameServerTests {

	// Where @SpringBootTest puts the test's own properties (the ephemeral ports above), and Boot's view of all
	// the other sources, which it puts first.
	private static final Set<String> NOT_THE_GAMES = Set.of("Inlined Test Properties", "configurationProperties");

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Value("${local.servercore.port}")
	int tcpPort;

	@LocalServerPort
	int managementPort;

	@Autowired
	SessionHandler handler;

	@Autowired
	ServerCoreProperties servercore;

	@Autowired
	ConfigurableEnvironment environment;

	@Test
	void theGamesHandlerReplacesTheEcho() {
		assertThat(this.handler).isNotInstanceOf(EchoHandler.class);
		// The lambda of GameServerApplication#pingHandler.
		assertThat(this.handler.getClass().getName()).startsWith(GameServerApplication.class.getName());
	}

	@Test
	void aPingPacketIsAnsweredWithAPongPacket() throws Exception {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.tcpPort)) {
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			DataOutputStream out = new DataOutputStream(socket.getOutputStream());
			DataInputStream in = new DataInputStream(socket.getInputStream());
			// Two packets in one write: length-prefixed framing (the one setting the game changed) splits them.
			byte[] first = "ping 1".getBytes(StandardCharsets.UTF_8);
			byte[] second = "ping 2".getBytes(StandardCharsets.UTF_8);
			out.writeInt(first.length);
			out.write(first);
			out.writeInt(second.length);
			out.write(second);
			out.flush();
			assertThat(readPacket(in)).isEqualTo("pong 1");
			assertThat(readPacket(in)).isEqualTo("pong 2");
		}
	}

	@Test
	void theOneServercoreSettingTheGameChangedApplies() {
		assertThat(this.servercore.getFraming()).isEqualTo(ServerCoreProperties.Framing.LENGTH_PREFIXED);
	}

	@Test
	void theApplicationNameIsTheGamesOwn() {
		assertThat(this.environment.getProperty("spring.application.name")).isEqualTo("game-server");
	}

	@Test
	void actuatorStaysOnServercoresManagementPortDespiteTheGamesOwnApplicationYaml() {
		assertThat(valueOutsideThisTest("server.port")).isEqualTo(8081);
	}

	@Test
	void prometheusAndMetricsAreExposedAsServercoreDefaults() throws Exception {
		HttpResponse<String> scrape = get("/actuator/prometheus");
		assertThat(scrape.statusCode()).isEqualTo(200);
		assertThat(scrape.body()).contains("servercore_sessions_active");
		assertThat(get("/actuator/metrics").statusCode()).isEqualTo(200);
	}

	@Test
	void probeGroupsIncludeTheServercoreChecksWithDetails() throws Exception {
		HttpResponse<String> readiness = get("/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(200);
		assertThat(readiness.body()).contains("\"readinessState\"", "\"servercore\"", "\"listener\"", "\"loops\"");
		HttpResponse<String> liveness = get("/actuator/health/liveness");
		assertThat(liveness.statusCode()).isEqualTo(200);
		assertThat(liveness.body()).contains("\"livenessState\"", "\"servercore\"", "\"loopsAlive\"")
			.doesNotContain("\"listener\"");
	}

	// The value the game would run with: the first property source that sets it, leaving out this test's own.
	private Object valueOutsideThisTest(String name) {
		for (PropertySource<?> source : this.environment.getPropertySources()) {
			if (!NOT_THE_GAMES.contains(source.getName()) && source.containsProperty(name)) {
				return source.getProperty(name);
			}
		}
		return null;
	}

	private static String readPacket(DataInputStream in) throws Exception {
		byte[] payload = new byte[in.readInt()];
		in.readFully(payload);
		return new String(payload, StandardCharsets.UTF_8);
	}

	private HttpResponse<String> get(String path) throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + path))
			.timeout(TIMEOUT)
			.build();
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
	}

}
