package dev.servercore.autoconfigure;

import java.util.Map;

import dev.servercore.core.ServerCore;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

/**
 * Starts the servercore listener once the context is refreshed and stops it first on shutdown, while the
 * Actuator web server (stopped in a lower phase) still answers probes.
 */
public class ServerCoreLifecycle implements SmartLifecycle {

	/** Property carrying the bound port. */
	public static final String PORT_PROPERTY = "local.servercore.port";

	/** Stops before the web server's graceful shutdown (DEFAULT_PHASE - 1024) and its stop. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE;

	private final ServerCore server;

	private final ConfigurableEnvironment environment;

	private final ApplicationEventPublisher publisher;

	private volatile boolean running;

	public ServerCoreLifecycle(ServerCore server, ConfigurableEnvironment environment,
			ApplicationEventPublisher publisher) {
		this.server = server;
		this.environment = environment;
		this.publisher = publisher;
	}

	@Override
	public void start() {
		this.server.start();
		this.running = true;
		publishPort(this.server.port());
		this.publisher.publishEvent(new ServerCoreStartedEvent(this.server));
	}

	@Override
	public void stop() {
		if (this.running) {
			this.running = false;
			this.server.stop();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void publishPort(int port) {
		MutablePropertySources sources = this.environment.getPropertySources();
		sources.remove("servercore.ports");
		sources.addFirst(new MapPropertySource("servercore.ports", Map.of(PORT_PROPERTY, port)));
	}

}
