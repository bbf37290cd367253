package dev.servercore.actuate;

import dev.servercore.autoconfigure.ServerCoreAutoConfiguration;
import dev.servercore.core.EventLoops;
import dev.servercore.core.MemoryBudget;
import dev.servercore.core.SessionRegistry;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Records servercore's events in the application's {@link MeterRegistry}, beside any
 * {@link dev.servercore.core.ServerMetrics} bean of the application's (each gets every event).
 */
@AutoConfiguration(before = ServerCoreAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
public final class ServerCoreMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ServerCoreMeters serverCoreMeters(MeterRegistry meterRegistry, SessionRegistry sessionRegistry,
			EventLoops loops) {
		return new ServerCoreMeters(meterRegistry, sessionRegistry, loops.workers());
	}

	@Bean
	@ConditionalOnMissingBean
	MemoryBudgetMeters memoryBudgetMeters(MemoryBudget budget) {
		return new MemoryBudgetMeters(budget);
	}

}
