package dev.servercore.autoconfigure;

import java.time.Duration;
import java.util.Map;

import dev.servercore.core.Addresses;
import dev.servercore.core.CloseReason;
import dev.servercore.core.ServerCore;
import dev.servercore.core.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.util.unit.DataSize;

/**
 * Starts the servercore listener once the context is refreshed, and drains it first on shutdown, while the
 * Actuator web server (stopped in a lower phase) still answers probes.
 *
 * <p>The drain runs on its own thread ({@value #DRAIN_THREAD_NAME}) so that the context's per-phase timeout
 * ({@code spring.lifecycle.timeout-per-shutdown-phase}) bounds it: readiness turns
 * {@link ReadinessState#REFUSING_TRAFFIC}, then {@link ServerCore#drain(Duration)} runs. The event loops stay
 * up until the context destroys them (after the web server has stopped), so a stopped context can be started
 * again, as Spring's test context cache does when it pauses a context: the listener binds again and
 * readiness returns to {@link ReadinessState#ACCEPTING_TRAFFIC}.
 */
public class ServerCoreLifecycle implements SmartLifecycle {

	/** Property carrying the bound port. */
	public static final String PORT_PROPERTY = "local.servercore.port";

	/** Stops before the web server's graceful shutdown (DEFAULT_PHASE - 1024) and its stop. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE;

	/** Name of the thread that drains and stops the server. */
	public static final String DRAIN_THREAD_NAME = "servercore-drain";

	private static final Logger logger = LoggerFactory.getLogger(ServerCoreLifecycle.class);

	// Spring's default for spring.lifecycle.timeout-per-shutdown-phase.
	private static final Duration DEFAULT_PHASE_TIMEOUT = Duration.ofSeconds(30);

	private final ServerCore server;

	private final ServerCoreProperties properties;

	private final ConfigurableEnvironment environment;

	private final ApplicationEventPublisher publisher;

	// Null for a plaintext port.
	private final ServerTls tls;

	private volatile boolean running;

	// Set once this lifecycle refused traffic; a restart then accepts it again (Boot does so only once, when ready).
	private volatile boolean refusedTraffic;

	/**
	 * Creates the lifecycle.
	 * @param server the server to start and stop
	 * @param properties the settings (drain timeout, and those logged at start)
	 * @param environment where the bound port is published
	 * @param publisher publishes the started event and the readiness change
	 */
	public ServerCoreLifecycle(ServerCore server, ServerCoreProperties properties, ConfigurableEnvironment environment,
			ApplicationEventPublisher publisher) {
		this(server, properties, environment, publisher, null);
	}

	/**
	 * Creates the lifecycle of a server whose port may be TLS.
	 * @param server the server to start and stop
	 * @param properties the settings (drain timeout, and those logged at start)
	 * @param environment where the bound port is published
	 * @param publisher publishes the started event and the readiness change
	 * @param tls the port's TLS, named in the start line, or {@code null} for plaintext
	 */
	public ServerCoreLifecycle(ServerCore server, ServerCoreProperties properties, ConfigurableEnvironment environment,
			ApplicationEventPublisher publisher, ServerTls tls) {
		this.tls = tls;
		this.server = server;
		this.properties = properties;
		this.environment = environment;
		this.publisher = publisher;
	}

	@Override
	public void start() {
		this.server.start();
		this.running = true;
		publishPort(this.server.port());
		logStarted();
		warnIfThePhaseTimeoutIsShort();
		if (this.refusedTraffic) {
			this.refusedTraffic = false;
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.ACCEPTING_TRAFFIC);
		}
		this.publisher.publishEvent(new ServerCoreStartedEvent(this.server));
	}

	/**
	 * Drains the server on a separate thread, then runs {@code callback}.
	 * @param callback run once the drain has ended
	 */
	@Override
	public void stop(Runnable callback) {
		if (!this.running) {
			callback.run();
			return;
		}
		this.running = false;
		refuseTraffic();
		Thread drainer = new Thread(() -> {
			try {
				drain();
			}
			finally {
				callback.run();
			}
		}, DRAIN_THREAD_NAME);
		drainer.start();
	}

	@Override
	public void stop() {
		if (this.running) {
			this.running = false;
			refuseTraffic();
			drain();
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

	private void refuseTraffic() {
		// Boot does this only for its own web server's shutdown; the TCP server's drain starts here.
		this.refusedTraffic = true;
		AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.REFUSING_TRAFFIC);
	}

	private void drain() {
		try {
			this.server.drain(this.properties.getShutdown().getDrainTimeout());
		}
		catch (RuntimeException ex) {
			logger.error("servercore drain failed; closing the sessions at once", ex);
			this.server.stopAccepting();
			this.server.closeSessions(CloseReason.SERVER_SHUTDOWN);
		}
	}

	private void logStarted() {
		ServerCoreProperties.Limits limits = this.properties.getLimits();
		logger.info(
				"servercore started on {} ({} transport, {} workers, {} framing, {}; limits: max-sessions {}, "
						+ "max-sessions-per-address {}, idle-timeout {}, send queue-cap {}; drain-timeout {})",
				Addresses.hostAndPort(this.server.address()), this.server.loops().transport().displayName(),
				this.server.loops().workers(), ServerCoreAutoConfiguration.packetFraming(this.properties),
				(this.tls != null) ? this.tls : "plaintext",
				limits.getMaxSessions(), limits.getMaxSessionsPerAddress(), format(limits.getIdleTimeout()),
				format(this.properties.getSend().getQueueCap()), format(this.properties.getShutdown().getDrainTimeout()));
	}

	private static String format(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	private static String format(DataSize size) {
		long bytes = size.toBytes();
		if (bytes != 0 && bytes % DataSize.ofMegabytes(1).toBytes() == 0) {
			return size.toMegabytes() + "MB";
		}
		return (bytes != 0 && bytes % 1024 == 0) ? size.toKilobytes() + "KB" : bytes + "B";
	}

	private void warnIfThePhaseTimeoutIsShort() {
		Duration phaseTimeout = this.environment.getProperty("spring.lifecycle.timeout-per-shutdown-phase",
				Duration.class, DEFAULT_PHASE_TIMEOUT);
		Duration needed = this.properties.getShutdown()
			.getDrainTimeout()
			.plus(this.properties.getSend().getCloseFlushTimeout());
		if (phaseTimeout.compareTo(needed) <= 0) {
			logger.warn("spring.lifecycle.timeout-per-shutdown-phase ({}) is not above servercore.shutdown.drain-timeout "
					+ "plus servercore.send.close-flush-timeout ({}): a drain may be cut short", phaseTimeout, needed);
		}
	}

	private void publishPort(int port) {
		MutablePropertySources sources = this.environment.getPropertySources();
		sources.remove("servercore.ports");
		sources.addFirst(new MapPropertySource("servercore.ports", Map.of(PORT_PROPERTY, port)));
	}

}
