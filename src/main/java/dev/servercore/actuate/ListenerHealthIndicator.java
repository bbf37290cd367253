package dev.servercore.actuate;

import java.util.Objects;

import dev.servercore.core.Addresses;
import dev.servercore.core.ServerCore;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether servercore takes new sessions: UP while the listener is bound, OUT_OF_SERVICE once the server
 * drains, DOWN when it is not listening. Part of readiness: a draining pod gets no new traffic, while
 * liveness (which leaves this out) keeps it alive to finish.
 */
public final class ListenerHealthIndicator extends AbstractHealthIndicator {

	private final ServerCore server;

	private final int maxSessions;

	/**
	 * Creates the indicator.
	 * @param server the server
	 * @param maxSessions the session limit, shown in the details
	 */
	public ListenerHealthIndicator(ServerCore server, int maxSessions) {
		super("servercore listener health check failed");
		this.server = Objects.requireNonNull(server, "server");
		this.maxSessions = maxSessions;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean draining = this.server.isDraining();
		boolean listening = this.server.isListening();
		if (draining) {
			builder.outOfService();
		}
		else if (listening) {
			builder.up();
		}
		else {
			builder.down();
		}
		builder.withDetail("address", Addresses.hostAndPort(this.server.address()))
			.withDetail("listening", listening)
			.withDetail("draining", draining)
			.withDetail("transport", this.server.loops().transport().displayName())
			.withDetail("workers", this.server.loops().workers())
			.withDetail("sessions", this.server.registry().size())
			.withDetail("maxSessions", this.maxSessions);
	}

}
