package dev.servercore.actuate;

import java.time.Duration;

import dev.servercore.core.EchoHandler;
import dev.servercore.core.EventLoops;
import dev.servercore.core.ServerCore;
import dev.servercore.core.ServerMetrics;
import dev.servercore.core.SessionPipeline;
import dev.servercore.core.SessionRegistry;
import dev.servercore.core.SessionSettings;
import dev.servercore.core.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ListenerHealthIndicator} on a real server: DOWN before it listens, UP with its details
 * while it does, OUT_OF_SERVICE once it drains.
 */
class ListenerHealthIndicatorTests {

	private ServerCore server;

	@BeforeEach
	void createServer() {
		EventLoops loops = EventLoops.create(Transport.NIO, 1, "health-test");
		SessionRegistry registry = new SessionRegistry();
		SessionPipeline pipeline = new SessionPipeline(registry, new EchoHandler(), ServerMetrics.NONE,
				SessionSettings.DEFAULTS);
		this.server = new ServerCore(ServerCore.tcpServer("127.0.0.1", 0, loops, pipeline, null), registry, loops);
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	@Test
	void downBeforeStartUpWhileListeningOutOfServiceWhileDraining() {
		ListenerHealthIndicator indicator = new ListenerHealthIndicator(this.server, 500);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);

		this.server.start();
		Health up = indicator.health();
		assertThat(up.getStatus()).isEqualTo(Status.UP);
		assertThat(up.getDetails()).containsEntry("address", "127.0.0.1:" + this.server.port())
			.containsEntry("transport", "nio")
			.containsEntry("workers", 1)
			.containsEntry("sessions", 0)
			.containsEntry("maxSessions", 500)
			.containsEntry("listening", true)
			.containsEntry("draining", false);

		this.server.drain(Duration.ZERO);
		Health draining = indicator.health();
		assertThat(draining.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(draining.getDetails()).containsEntry("draining", true).containsEntry("listening", false);
	}

}
