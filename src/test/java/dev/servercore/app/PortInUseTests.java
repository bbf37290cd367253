package dev.servercore.app;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Start-up fails, naming the port, when the TCP port is taken.
 */
class PortInUseTests {

	@Test
	void startupFailsWithThePortInTheMessage() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			int port = taken.getLocalPort();
			assertThatThrownBy(() -> SpringApplication.run(ServerCoreApplication.class, "--servercore.host=127.0.0.1",
					"--servercore.port=" + port, "--server.port=0"))
				.hasStackTraceContaining("port " + port + " is already in use");
		}
	}

}
