package dev.servercore.autoconfigure;

import dev.servercore.core.EventLoops;
import dev.servercore.core.LoopProbe;
import dev.servercore.core.PacketFraming;
import dev.servercore.core.ServerCore;
import dev.servercore.core.SessionSettings;
import dev.servercore.core.room.RoomRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The properties spell their defaults as literals (so that the configuration metadata shows them); they must
 * stay the core's documented defaults, which users of the core without Spring get.
 */
class ServerCorePropertiesDefaultsTests {

	@Test
	void propertyDefaultsAreTheCoresDefaults() {
		ServerCoreProperties properties = new ServerCoreProperties();
		SessionSettings core = SessionSettings.DEFAULTS;
		assertThat(properties.getIo().getThreadNamePrefix()).isEqualTo(EventLoops.DEFAULT_THREAD_NAME_PREFIX);
		assertThat(properties.getIo().resolvedWorkers()).isEqualTo(EventLoops.DEFAULT_WORKERS);
		assertThat(properties.getIo().getProbeInterval()).isEqualTo(LoopProbe.DEFAULT_INTERVAL);
		assertThat(properties.getIo().getMaxMessagesPerRead()).isEqualTo(ServerCore.DEFAULT_MAX_MESSAGES_PER_READ);
		assertThat(properties.getIo().getSocketSendBuffer().toBytes()).isEqualTo(ServerCore.DEFAULT_SOCKET_SEND_BUFFER);
		assertThat(properties.getIo().getSocketReceiveBuffer().toBytes())
			.isEqualTo(ServerCore.DEFAULT_SOCKET_RECEIVE_BUFFER);
		assertThat(properties.getHealth().getLoopDeadline()).isEqualTo(LoopProbe.DEFAULT_DEADLINE);
		assertThat(properties.getShutdown().getDrainTimeout()).isEqualTo(ServerCore.DEFAULT_DRAIN_TIMEOUT);
		assertThat(properties.getPacket().getLengthFieldBytes()).isEqualTo(PacketFraming.DEFAULT_LENGTH_FIELD_BYTES);
		assertThat(properties.getPacket().getMaxSize().toBytes()).isEqualTo(PacketFraming.DEFAULT_MAX_SIZE);
		assertThat(properties.getSend().getQueueCap().toBytes()).isEqualTo(core.sendQueueCap());
		assertThat(properties.getSend().getCloseFlushTimeout()).isEqualTo(core.closeFlushTimeout());
		assertThat(properties.getSend().getHalfCloseGrace()).isEqualTo(core.halfCloseGrace());
		assertThat(properties.getLimits().getIdleTimeout()).isEqualTo(core.idleTimeout());
		assertThat(properties.getLimits().getMaxSessions()).isEqualTo(core.maxSessions());
		assertThat(properties.getLimits().getMaxSessionsPerAddress()).isEqualTo(core.maxSessionsPerAddress());
		assertThat(ServerCoreAutoConfiguration.packetFraming(properties)).isSameAs(PacketFraming.RAW);
		assertThat(properties.getRooms().getQueueCapacity()).isEqualTo(RoomRegistry.DEFAULT_QUEUE_CAPACITY);
		assertThat(properties.getHandler()).isEqualTo(ServerCoreProperties.Handler.ECHO);
	}

}
