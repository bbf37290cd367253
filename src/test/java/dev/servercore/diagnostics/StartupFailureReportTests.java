package dev.servercore.diagnostics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import dev.servercore.app.ServerCoreApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Start-up failures a newcomer meets are reported as Spring Boot reports a failed start ("APPLICATION FAILED
 * TO START", a description, an Action naming the property to change), not as a stack trace. An unavailable
 * transport needs a JVM of its own: {@code TransportTests}.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureReportTests {

	private static final String[] EPHEMERAL = { "--server.port=0", "--servercore.host=127.0.0.1",
			"--servercore.io.workers=1" };

	@Test
	void aTcpPortInUseNamesServercorePort(CapturedOutput output) throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			int port = taken.getLocalPort();
			failToStart("--servercore.port=" + port);
			assertThat(report(output)).contains("port " + port + " is already in use")
				.contains("Property: servercore.port")
				.contains("Value: " + port)
				.contains("set servercore.port to a free port");
		}
	}

	@Test
	void aPacketMaxSizeTheLengthFieldCannotSayNamesServercorePacketMaxSize(CapturedOutput output) {
		failToStart("--servercore.port=0", "--servercore.framing=length-prefixed",
				"--servercore.packet.length-field-bytes=2", "--servercore.packet.max-size=100KB");
		assertThat(report(output)).contains("Property: servercore.packet.max-size")
			.contains("Value: 102400B")
			.contains("Origin: \"servercore.packet.max-size\" from property source \"commandLineArgs\"")
			.contains("between 1 byte and 65535 bytes with a 2-byte length field")
			.contains("Set servercore.packet.max-size to at most 65535B, or servercore.packet.length-field-bytes to 4")
			.doesNotContain("maxSize");
	}

	@Test
	void aValueThatDoesNotBindNamesTheProperty(CapturedOutput output) {
		failToStart("--servercore.port=seven");
		assertThat(report(output)).contains("servercore.port").contains("seven").contains("Action:");
	}

	private static void failToStart(String... args) {
		List<String> all = new ArrayList<>(List.of(EPHEMERAL));
		all.addAll(List.of(args));
		assertThatException().isThrownBy(() -> SpringApplication.run(ServerCoreApplication.class,
				all.toArray(String[]::new)).close());
	}

	// The failure report, after checking that it is one: Boot's banner for it, and no "run failed" stack trace.
	private static String report(CharSequence output) {
		String text = output.toString();
		assertThat(text).contains("APPLICATION FAILED TO START").contains("Description:").contains("Action:")
			.doesNotContain("Application run failed");
		return text.substring(text.lastIndexOf("APPLICATION FAILED TO START"));
	}

}
