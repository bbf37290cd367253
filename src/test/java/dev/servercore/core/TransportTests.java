package dev.servercore.core;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.servercore.app.ServerCoreApplication;
import dev.servercore.support.TestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transport choice: {@code auto} takes a concrete transport, NIO serves everywhere, and an explicitly
 * requested transport that is unavailable fails start-up with its cause.
 */
class TransportTests {

	@Test
	void autoResolvesToAConcreteTransport() {
		assertThat(Transport.AUTO.resolve()).isNotEqualTo(Transport.AUTO);
		assertThat(Transport.NIO.resolve()).isEqualTo(Transport.NIO);
	}

	@Test
	void autoPrefersEpollAndLeavesIoUringOptIn() {
		// Both are available on the machines this project builds on (Linux with io_uring).
		assertThat(Transport.IO_URING.resolve()).isEqualTo(Transport.IO_URING);
		assertThat(Transport.AUTO.resolve()).isEqualTo(Transport.EPOLL);
	}

	@Test
	void nioLoopsServeTheEcho() {
		EventLoops loops = EventLoops.create(Transport.NIO, 1, "nio-test");
		SessionRegistry registry = new SessionRegistry();
		SessionPipeline pipeline = new SessionPipeline(registry, new EchoHandler(), ServerMetrics.NONE,
				SessionSettings.DEFAULTS);
		ServerCore server = new ServerCore(ServerCore.tcpServer("127.0.0.1", 0, loops, pipeline, null), registry, loops);
		server.start();
		try (TestClient client = TestClient.connect(server.port())) {
			client.send(new byte[] { 1, 2, 3 });
			assertThat(client.read(3)).containsExactly(1, 2, 3);
			assertThat(loops.transport()).isEqualTo(Transport.NIO);
		}
		finally {
			server.stop();
		}
		assertThat(loops.isDisposed()).isTrue();
	}

	@Test
	void anUnavailableExplicitTransportFailsStartUpWithItsCause() throws IOException, InterruptedException {
		// Netty's own switch makes the native transports unavailable; it must be set before they load,
		// so the application runs in a JVM of its own.
		Process process = new ProcessBuilder(List.of(javaCommand(), "-cp", System.getProperty("java.class.path"),
				"-Dio.netty.transport.noNative=true", ServerCoreApplication.class.getName(),
				"--servercore.io.transport=io_uring", "--servercore.port=0", "--server.port=0"))
			.redirectErrorStream(true)
			.start();
		byte[] output = process.getInputStream().readAllBytes();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("process exited").isTrue();
		String log = new String(output, StandardCharsets.UTF_8);
		assertThat(process.exitValue()).as(log).isNotZero();
		// Spring Boot's failure report (StartupFailureReportTests has the others): the setting, its value, the
		// cause Netty gives, and what to set instead.
		assertThat(log).contains("APPLICATION FAILED TO START")
			.contains("Property: servercore.io.transport")
			.contains("Value: io_uring")
			.contains("noNative")
			.contains("Set servercore.io.transport to auto")
			.doesNotContain("Application run failed");
	}

	private static String javaCommand() {
		return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
	}

}
