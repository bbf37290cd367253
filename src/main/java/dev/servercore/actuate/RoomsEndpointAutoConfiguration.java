package dev.servercore.actuate;

import dev.servercore.autoconfigure.RoomsAutoConfiguration;
import dev.servercore.core.room.RoomRegistry;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code rooms} endpoint, created only when it is exposed
 * ({@code management.endpoints.web.exposure.include} names {@code rooms}).
 */
@AutoConfiguration(after = RoomsAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(RoomRegistry.class)
@ConditionalOnAvailableEndpoint(RoomsEndpoint.class)
public final class RoomsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RoomsEndpoint roomsEndpoint(RoomRegistry rooms) {
		return new RoomsEndpoint(rooms);
	}

}
