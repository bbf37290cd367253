package dev.servercore.actuate;

import dev.servercore.app.ServerCoreApplication;
import dev.servercore.support.ActuatorClient;
import dev.servercore.support.EchoHandlerConfiguration;
import dev.servercore.support.TestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the shipped configuration the {@code sessions} endpoint is neither exposed nor created, even with a
 * session open. (Same configuration as {@code ServerCoreApplicationTests}: the context is shared.)
 */
@Import(EchoHandlerConfiguration.class)
@SpringBootTest(classes = ServerCoreApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "servercore.port=0")
class SessionsEndpointNotExposedTests {

	@Value("${local.servercore.port}")
	int port;

	@LocalServerPort
	int managementPort;

	@Autowired
	ApplicationContext context;

	@Test
	void theSessionsEndpointIsNotReachableByDefault() {
		ActuatorClient actuator = new ActuatorClient(this.managementPort);
		try (TestClient client = TestClient.connect(this.port)) {
			client.send(new byte[] { 1 });
			assertThat(client.read(1)).containsExactly(1);
			assertThat(actuator.status("/actuator/tcpsessions")).isEqualTo(404);
			assertThat(actuator.status("/actuator/tcpsessions/1")).isEqualTo(404);
			assertThat(actuator.delete("/actuator/tcpsessions/1").statusCode()).isEqualTo(404);
			assertThat(actuator.get("/actuator").body()).doesNotContain("sessions").contains("prometheus");
			assertThat(this.context.getBeanNamesForType(SessionsEndpoint.class)).isEmpty();
		}
	}

}
