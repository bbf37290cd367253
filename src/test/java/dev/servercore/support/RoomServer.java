package dev.servercore.support;

import java.util.function.Function;

import dev.servercore.actuate.ServerCoreMeters;
import dev.servercore.core.EventLoops;
import dev.servercore.core.ServerCore;
import dev.servercore.core.SessionHandler;
import dev.servercore.core.SessionPipeline;
import dev.servercore.core.SessionRegistry;
import dev.servercore.core.SessionSettings;
import dev.servercore.core.Transport;
import dev.servercore.core.room.RoomMetrics;
import dev.servercore.core.room.RoomRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A servercore with rooms, started from the core alone on an ephemeral loopback port: the handler is made
 * from the room registry, as an application wires it.
 */
public final class RoomServer implements AutoCloseable {

	private final SessionRegistry sessions = new SessionRegistry();

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final RoomRegistry rooms;

	private final ServerCore server;

	private RoomServer(SessionSettings settings, int queueCapacity, RoomMetrics metrics,
			Function<RoomRegistry, SessionHandler> handler) {
		EventLoops loops = EventLoops.create(Transport.AUTO, 2, "test-io");
		this.rooms = new RoomRegistry(this.sessions, loops.group(), queueCapacity, metrics);
		SessionPipeline pipeline = new SessionPipeline(this.sessions, handler.apply(this.rooms),
				new ServerCoreMeters(this.meters, this.sessions), settings);
		this.server = new ServerCore(ServerCore.tcpServer("127.0.0.1", 0, loops, pipeline, null), this.sessions,
				loops);
		this.server.start();
	}

	public static RoomServer start(SessionSettings settings, Function<RoomRegistry, SessionHandler> handler) {
		return new RoomServer(settings, RoomRegistry.DEFAULT_QUEUE_CAPACITY, RoomMetrics.NONE, handler);
	}

	public static RoomServer start(SessionSettings settings, int queueCapacity, RoomMetrics metrics,
			Function<RoomRegistry, SessionHandler> handler) {
		return new RoomServer(settings, queueCapacity, metrics, handler);
	}

	public int port() {
		return this.server.port();
	}

	public RoomRegistry rooms() {
		return this.rooms;
	}

	public SessionRegistry sessions() {
		return this.sessions;
	}

	public ServerCore server() {
		return this.server;
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
