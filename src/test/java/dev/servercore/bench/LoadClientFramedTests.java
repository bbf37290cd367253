package dev.servercore.bench;

import dev.servercore.actuate.ServerCoreMeters;
import dev.servercore.app.ServerCoreApplication;
import dev.servercore.support.EchoHandlerConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load client's length-prefixed packets against a servercore with the same, non-default header: every
 * message is one packet on the server and comes back intact.
 */
@Import(EchoHandlerConfiguration.class)
@SpringBootTest(classes = ServerCoreApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "servercore.port=0", "servercore.framing=length-prefixed",
				"servercore.packet.length-field-bytes=2", "servercore.packet.byte-order=little-endian",
				"servercore.packet.length-includes-header=true" })
class LoadClientFramedTests {

	@Value("${local.servercore.port}")
	int port;

	@Autowired
	MeterRegistry meters;

	@Test
	void pipelinedPacketsMatchTheServersFraming() {
		double packetsBefore = packets();
		BenchSummary summary = new LoadClient(BenchOptions.parse(new String[] { "--port", Integer.toString(this.port),
				"--warmup", "200ms", "--duration", "700ms", "--no-progress", "--transport=nio", "--connections", "2",
				"--pipeline", "8", "--size", "100", "--framing", "length-prefixed", "--length-field-bytes", "2",
				"--byte-order", "little", "--length-includes-header" }), System.out).run();
		assertThat(summary.firstErrors()).isEmpty();
		assertThat(summary.errors()).isZero();
		assertThat(summary.mismatches()).isZero();
		assertThat(summary.messages()).isPositive();
		// Every completed message was one whole packet for the server's handler.
		assertThat(packets() - packetsBefore).isGreaterThanOrEqualTo(summary.messages());
	}

	private double packets() {
		return this.meters.get(ServerCoreMeters.PACKETS_RECEIVED).functionCounter().count();
	}

}
