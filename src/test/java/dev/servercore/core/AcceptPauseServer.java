package dev.servercore.core;

import java.io.IOException;

/**
 * A servercore echo server without Spring, for a test that runs it in a JVM of its own under a small
 * open-file limit: {@code AcceptPauseServer <transport>} prints {@code port <n>} once listening and stops
 * when its standard input ends.
 */
public final class AcceptPauseServer {

	private AcceptPauseServer() {
	}

	public static void main(String[] args) throws IOException {
		Transport transport = Transport.valueOf(args[0]);
		EventLoops loops = EventLoops.create(transport, 1, "fd-test-io");
		SessionRegistry registry = new SessionRegistry();
		SessionPipeline pipeline = new SessionPipeline(registry, new EchoHandler(), ServerMetrics.NONE,
				SessionSettings.DEFAULTS);
		ServerCore server = new ServerCore(ServerCore.tcpServer("127.0.0.1", 0, loops, pipeline, null), registry,
				loops);
		server.start();
		System.out.println("port " + server.port());
		System.out.flush();
		System.in.readAllBytes();
		server.stop();
	}

}
