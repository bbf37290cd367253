package dev.servercore.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.servercore.autoconfigure.ServerCoreAutoConfiguration;
import dev.servercore.autoconfigure.ServerCoreProperties;
import dev.servercore.chat.ChatRelay;
import dev.servercore.core.SessionRegistry;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * The cluster node, when {@code servercore.cluster.enabled=true}, on Boot's Redis connection
 * ({@code spring.data.redis.*}). With the cluster on, Lettuce rejects commands while it is disconnected (cluster
 * calls fail fast instead of queuing) and reconnects within a second; an application's own customizers run after
 * these and may change them.
 */
@AutoConfiguration(after = { ServerCoreAutoConfiguration.class, DataRedisAutoConfiguration.class })
@ConditionalOnClass(ReactiveRedisConnectionFactory.class)
@ConditionalOnProperty(name = "servercore.cluster.enabled", havingValue = "true")
@EnableConfigurationProperties(ServerCoreProperties.class)
public final class ClusterAutoConfiguration {

	/** How long Lettuce waits at most between two reconnect attempts with the cluster on. */
	public static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

	@Bean
	@ConditionalOnMissingBean
	Cluster servercoreCluster(ServerCoreProperties properties, ReactiveRedisConnectionFactory factory,
			SessionRegistry sessions) {
		return new Cluster(settings(properties.getCluster()), factory, sessions);
	}

	@Bean
	ClusterLifecycle servercoreClusterLifecycle(Cluster cluster) {
		return new ClusterLifecycle(cluster);
	}

	@Bean
	@ConditionalOnMissingBean(ChatRelay.class)
	ChatRelay servercoreClusterChatRelay(Cluster cluster) {
		return new ClusterChatRelay(cluster);
	}

	@Bean
	LettuceClientOptionsBuilderCustomizer servercoreClusterClientOptions() {
		return (builder) -> builder.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
	}

	@Bean
	ClientResourcesBuilderCustomizer servercoreClusterReconnectDelay() {
		return (builder) -> builder
			.reconnectDelay(Delay.exponential(Duration.ofMillis(100), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS));
	}

	static ClusterSettings settings(ServerCoreProperties.Cluster cluster) {
		String base = cluster.getNodeId().isBlank() ? hostName() : cluster.getNodeId().strip();
		String nodeId = base + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
		DuplicateLoginPolicy policy = (cluster.getDuplicateLogin() == ServerCoreProperties.Cluster.DuplicateLogin.REJECT_NEW)
				? DuplicateLoginPolicy.REJECT_NEW : DuplicateLoginPolicy.CLOSE_OLD;
		return new ClusterSettings(cluster.getName(), nodeId, cluster.getNodeTimeout(), cluster.getRequestTimeout(),
				policy, cluster.getInboxLength(), Math.toIntExact(cluster.getMaxMessageSize().toBytes()),
				cluster.getOutboundBuffer().toBytes());
	}

	// The pod name on Kubernetes (HOSTNAME), without a DNS lookup when the environment has it.
	private static String hostName() {
		String fromEnvironment = System.getenv("HOSTNAME");
		if (fromEnvironment != null && !fromEnvironment.isBlank()) {
			return fromEnvironment.strip();
		}
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "node";
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class ClusterMetricsConfiguration {

		@Bean
		ClusterMeters servercoreClusterMeters(Cluster cluster) {
			return new ClusterMeters(cluster);
		}

	}

}
