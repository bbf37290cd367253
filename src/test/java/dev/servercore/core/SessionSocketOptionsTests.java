package dev.servercore.core;

import java.time.Duration;

import dev.servercore.support.CoreServer;
import dev.servercore.support.TestClient;
import io.netty.channel.ChannelOption;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.socket.SocketChannelConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A game that builds its server from {@code core} alone, without Spring, gets the same bounds per session as
 * the auto-configured one: a few reads per turn of the loop, and kernel buffers that a client cannot grow to
 * megabytes by not reading.
 */
class SessionSocketOptionsTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@ParameterizedTest
	@EnumSource(value = Transport.class, names = { "IO_URING", "EPOLL", "NIO" })
	void aSessionGetsFairTurnsAndBoundedKernelBuffers(Transport transport) throws Exception {
		try (CoreServer server = CoreServer.start(transport, SessionSettings.DEFAULTS, new EchoHandler());
				TestClient client = TestClient.connect(server.port())) {
			SocketChannelConfig config = sessionConfig(server);
			assertThat(config.<MaxMessagesRecvByteBufAllocator>getRecvByteBufAllocator().maxMessagesPerRead())
				.isEqualTo(ServerCore.DEFAULT_MAX_MESSAGES_PER_READ);
			assertThat(config.getOption(ChannelOption.SO_SNDBUF))
				.isEqualTo(reported(transport, ServerCore.DEFAULT_SOCKET_SEND_BUFFER));
			assertThat(config.getOption(ChannelOption.SO_RCVBUF))
				.isEqualTo(reported(transport, ServerCore.DEFAULT_SOCKET_RECEIVE_BUFFER));
		}
	}

	@ParameterizedTest
	@EnumSource(value = Transport.class, names = { "EPOLL", "NIO" })
	void aNullOptionLeavesTheBufferToTheKernel(Transport transport) throws Exception {
		try (CoreServer server = CoreServer.start(transport, SessionSettings.DEFAULTS, new EchoHandler(),
				(tcpServer) -> tcpServer.childOption(ChannelOption.SO_SNDBUF, null));
				TestClient client = TestClient.connect(server.port())) {
			SocketChannelConfig config = sessionConfig(server);
			// The kernel sizes an unlocked send buffer itself (on loopback, about a megabyte once connected).
			assertThat(config.getOption(ChannelOption.SO_SNDBUF))
				.isNotEqualTo(reported(transport, ServerCore.DEFAULT_SOCKET_SEND_BUFFER));
			assertThat(config.getOption(ChannelOption.SO_RCVBUF))
				.isEqualTo(reported(transport, ServerCore.DEFAULT_SOCKET_RECEIVE_BUFFER));
		}
	}

	// Linux reserves, and reports, twice the size set; the JDK (NIO) halves the figure back to the size set.
	private static int reported(Transport transport, int size) {
		return (transport == Transport.NIO) ? size : 2 * size;
	}

	private static SocketChannelConfig sessionConfig(CoreServer server) {
		await().atMost(WAIT).until(() -> server.registry().size() == 1);
		return (SocketChannelConfig) server.registry().snapshot().get(0).channel().config();
	}

}
