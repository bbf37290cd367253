package dev.servercore.actuate;

import dev.servercore.autoconfigure.RoomsAutoConfiguration;
import dev.servercore.core.room.RoomMetrics;
import dev.servercore.core.room.RoomRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Records the rooms in the application's {@link MeterRegistry}, without per-room tags.
 */
@AutoConfiguration(before = RoomsAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
public final class RoomMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(RoomMetrics.class)
	RoomMeters roomMeters(MeterRegistry meterRegistry) {
		return new RoomMeters(meterRegistry);
	}

	@Bean
	MeterBinder roomGauges(RoomRegistry rooms) {
		return (registry) -> RoomMeters.bindGauges(registry, rooms);
	}

}
