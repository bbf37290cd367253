package dev.servercore.autoconfigure;

import dev.servercore.chat.ChatHandler;
import dev.servercore.chat.ChatRelay;
import dev.servercore.core.EventLoops;
import dev.servercore.core.SessionHandler;
import dev.servercore.core.SessionRegistry;
import dev.servercore.core.room.RoomMetrics;
import dev.servercore.core.room.RoomRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@link RoomRegistry} on the server's event loops, and the chat handler when
 * {@code servercore.handler=chat}. Runs before {@link ServerCoreAutoConfiguration} so that the chat handler
 * takes the place of the default echo handler.
 */
@AutoConfiguration(before = ServerCoreAutoConfiguration.class)
@EnableConfigurationProperties(ServerCoreProperties.class)
public final class RoomsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RoomRegistry roomRegistry(ServerCoreProperties properties, SessionRegistry sessions, EventLoops loops,
			ObjectProvider<RoomMetrics> metrics) {
		return new RoomRegistry(sessions, loops.group(), properties.getRooms().getQueueCapacity(),
				metrics.getIfAvailable(() -> RoomMetrics.NONE));
	}

	@Bean
	@ConditionalOnMissingBean(SessionHandler.class)
	@ConditionalOnProperty(name = "servercore.handler", havingValue = "chat")
	ChatHandler chatHandler(RoomRegistry rooms, ObjectProvider<ChatRelay> relay) {
		// With the cluster on, its relay makes the rooms cluster-wide groups and the nicknames unique across nodes.
		return new ChatHandler(rooms, ChatHandler.DEFAULT_MAX_MEMBERS, relay.getIfAvailable(() -> ChatRelay.LOCAL));
	}

}
