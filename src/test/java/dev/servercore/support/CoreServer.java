package dev.servercore.support;

import dev.servercore.actuate.ServerCoreMeters;
import dev.servercore.core.EventLoops;
import dev.servercore.core.MemoryBudget;
import dev.servercore.core.ServerCore;
import dev.servercore.core.SessionHandler;
import dev.servercore.core.SessionPipeline;
import dev.servercore.core.SessionRegistry;
import dev.servercore.core.SessionSettings;
import dev.servercore.core.Transport;
import java.util.function.UnaryOperator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.netty.tcp.TcpServer;

/**
 * A servercore started from the core alone (no Spring) on an ephemeral loopback port, for tests that need
 * several configurations quickly.
 */
public final class CoreServer implements AutoCloseable {

	private final SessionRegistry registry = new SessionRegistry();

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final ServerCore server;

	private final MemoryBudget budget = MemoryBudget.withDefaults();

	private CoreServer(Transport transport, SessionSettings settings, SessionHandler handler,
			UnaryOperator<TcpServer> customizer) {
		EventLoops loops = EventLoops.create(transport, 2, "test-io");
		SessionPipeline pipeline = new SessionPipeline(this.registry, handler,
				new ServerCoreMeters(this.meters, this.registry), settings, this.budget);
		TcpServer tcpServer = customizer.apply(ServerCore.tcpServer("127.0.0.1", 0, loops, pipeline, null));
		this.server = new ServerCore(tcpServer, this.registry, loops);
		this.server.start();
	}

	public static CoreServer start(SessionSettings settings, SessionHandler handler) {
		return new CoreServer(Transport.AUTO, settings, handler, UnaryOperator.identity());
	}

	public static CoreServer start(Transport transport, SessionSettings settings, SessionHandler handler) {
		return new CoreServer(transport, settings, handler, UnaryOperator.identity());
	}

	/**
	 * Starts a server on the given transport, its Reactor Netty server adjusted first (socket options).
	 * @param transport the transport
	 * @param settings the session settings
	 * @param handler the handler
	 * @param customizer adjusts the configured server before it binds
	 * @return the started server
	 */
	public static CoreServer start(Transport transport, SessionSettings settings, SessionHandler handler,
			UnaryOperator<TcpServer> customizer) {
		return new CoreServer(transport, settings, handler, customizer);
	}

	public int port() {
		return this.server.port();
	}

	public MemoryBudget memoryBudget() {
		return this.budget;
	}

	public SessionRegistry registry() {
		return this.registry;
	}

	public MeterRegistry meters() {
		return this.meters;
	}

	public double closed(String reason) {
		return this.meters.get(ServerCoreMeters.SESSIONS_CLOSED).tag(ServerCoreMeters.REASON_TAG, reason).counter().count();
	}

	@Override
	public void close() {
		this.server.stop();
		this.meters.close();
	}

}
