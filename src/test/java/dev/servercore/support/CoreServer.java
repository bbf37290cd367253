package dev.servercore.support;

import dev.servercore.actuate.ServerCoreMeters;
import dev.servercore.core.EventLoops;
import dev.servercore.core.ServerCore;
import dev.servercore.core.SessionHandler;
import dev.servercore.core.SessionPipeline;
import dev.servercore.core.SessionRegistry;
import dev.servercore.core.SessionSettings;
import dev.servercore.core.Transport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A servercore started from the core alone (no Spring) on an ephemeral loopback port, for tests that need
 * several configurations quickly.
 */
public final class CoreServer implements AutoCloseable {

	private final SessionRegistry registry = new SessionRegistry();

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final ServerCore server;

	private CoreServer(Transport transport, SessionSettings settings, SessionHandler handler) {
		EventLoops loops = EventLoops.create(transport, 2, "test-io");
		SessionPipeline pipeline = new SessionPipeline(this.registry, handler,
				new ServerCoreMeters(this.meters, this.registry), settings);
		this.server = new ServerCore(ServerCore.tcpServer("127.0.0.1", 0, loops, pipeline, null), this.registry,
				loops);
		this.server.start();
	}

	public static CoreServer start(SessionSettings settings, SessionHandler handler) {
		return new CoreServer(Transport.AUTO, settings, handler);
	}

	public static CoreServer start(Transport transport, SessionSettings settings, SessionHandler handler) {
		return new CoreServer(transport, settings, handler);
	}

	public int port() {
		return this.server.port();
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
