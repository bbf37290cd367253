package dev.servercore.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.servercore.autoconfigure.ServerCoreAutoConfiguration;
import dev.servercore.autoconfigure.ServerCoreProperties;
import dev.servercore.cluster.Cluster;
import dev.servercore.cluster.ClusterHealthIndicator;
import dev.servercore.core.LoopProbe;
import dev.servercore.core.ServerCore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

/**
 * The {@code servercore} health contributor, with three members: {@code servercore/listener} (bound, not
 * draining: for readiness), {@code servercore/loops} (every event loop runs a probe within
 * {@code servercore.health.loop-deadline}: for readiness) and {@code servercore/loopsAlive} (no loop is dead
 * or without progress for {@code servercore.health.loop-liveness-deadline}: for liveness, so that mere
 * overload does not restart the pod), and with the cluster on {@code servercore/cluster} (Redis reachable: in
 * neither probe group). {@code management.health.servercore.enabled=false} turns it off.
 */
@AutoConfiguration(after = ServerCoreAutoConfiguration.class)
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean({ ServerCore.class, LoopProbe.class })
@ConditionalOnEnabledHealthIndicator("servercore")
public final class ServerCoreHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "servercoreHealthContributor")
	CompositeHealthContributor servercoreHealthContributor(ServerCore server, LoopProbe probe,
			ServerCoreProperties properties, ObjectProvider<Cluster> cluster) {
		Map<String, HealthContributor> members = new LinkedHashMap<>();
		members.put("listener", new ListenerHealthIndicator(server, properties.getLimits().getMaxSessions()));
		members.put("loops", new EventLoopsHealthIndicator(probe, properties.getHealth().getLoopDeadline()));
		members.put("loopsAlive",
				new EventLoopsHealthIndicator(probe, properties.getHealth().getLoopLivenessDeadline()));
		// With the cluster on: Redis reachable or not. Left out of the probe groups (see servercore-defaults.yaml).
		cluster.ifAvailable((node) -> members.put("cluster", new ClusterHealthIndicator(node)));
		return CompositeHealthContributor.fromMap(members);
	}

}
