package dev.servercore.autoconfigure;

import java.nio.ByteOrder;

import dev.servercore.core.EchoHandler;
import dev.servercore.core.DescriptorLimit;
import dev.servercore.core.EventLoops;
import dev.servercore.core.IoUringSettings;
import dev.servercore.core.LoopProbe;
import dev.servercore.core.MemoryBudget;
import dev.servercore.core.PacketFraming;
import dev.servercore.core.ServerCore;
import dev.servercore.core.CompositeServerMetrics;
import dev.servercore.core.ServerMetrics;
import dev.servercore.core.ServerTls;
import dev.servercore.core.SessionHandler;
import dev.servercore.core.SessionPipeline;
import dev.servercore.core.SessionRegistry;
import dev.servercore.core.SessionSettings;
import dev.servercore.core.Transport;
import dev.servercore.diagnostics.InvalidSettingException;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import reactor.netty.tcp.TcpServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Beans of the servercore TCP server: event loops, session registry, handler, the configured
 * {@link TcpServer}, the {@link ServerCore} and its lifecycle. Every bean backs off when the application
 * declares its own, so an application replaces the echo handler by declaring a {@link SessionHandler} bean.
 */
@AutoConfiguration
@EnableConfigurationProperties(ServerCoreProperties.class)
public final class ServerCoreAutoConfiguration {

	@Bean(destroyMethod = "dispose")
	@ConditionalOnMissingBean
	EventLoops servercoreLoopResources(ServerCoreProperties properties) {
		ServerCoreProperties.Io io = properties.getIo();
		try {
			io.getTransport().resolve();
		}
		catch (IllegalStateException ex) {
			throw new InvalidSettingException("servercore.io.transport", io.getTransport().displayName(),
					io.getTransport().displayName() + " is not available on this machine ("
							+ ((ex.getCause() != null) ? ex.getCause().getMessage() : ex.getMessage()) + ")",
					"Set servercore.io.transport to auto (epoll where it is available, else nio)"
							+ " or to " + Transport.NIO.displayName() + ".",
					ex);
		}
		ServerCoreProperties.Io.IoUring ioUring = io.getIoUring();
		return EventLoops.create(io.getTransport(), io.resolvedWorkers(), io.getThreadNamePrefix(),
				new IoUringSettings(ioUring.getRingSize(), ioUring.getCompletionQueueSize()));
	}

	@Bean(initMethod = "start", destroyMethod = "close")
	@ConditionalOnMissingBean
	LoopProbe servercoreLoopProbe(ServerCoreProperties properties, EventLoops loops,
			ObjectProvider<ServerMetrics> metrics) {
		// Nothing else runs on the loops before the listener binds, so its first round starts their threads in
		// index order: loop i is thread prefix-i.
		return new LoopProbe(loops, properties.getIo().getProbeInterval(), serverMetrics(metrics));
	}

	@Bean
	@ConditionalOnMissingBean
	SessionRegistry sessionRegistry() {
		return new SessionRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	SessionHandler sessionHandler() {
		return new EchoHandler();
	}

	@Bean
	@ConditionalOnMissingBean
	MemoryBudget servercoreMemoryBudget(ServerCoreProperties properties) {
		ServerCoreProperties.Memory memory = properties.getMemory();
		long limit = (memory.getBudget() != null) ? memory.getBudget().toBytes() : MemoryBudget.defaultLimit();
		try {
			return new MemoryBudget(limit, memory.getSoftMark(), memory.getHardMark());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Invalid servercore.memory.* settings: " + ex.getMessage(), ex);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	SessionPipeline sessionPipeline(ServerCoreProperties properties, SessionRegistry registry,
			SessionHandler handler, ObjectProvider<ServerMetrics> metrics, MemoryBudget budget,
			ObjectProvider<ServerTls> tls) {
		// Each session holds a descriptor: fit the limit to ulimit -n once, so that every reader sees the result.
		ServerCoreProperties.Limits limits = properties.getLimits();
		limits.setMaxSessions(DescriptorLimit.fit(limits.getMaxSessions(), limits.getDescriptorHeadroom(),
				DescriptorLimit.processLimit()));
		// TLS when servercore.ssl.bundle is set (dev.servercore.tls); plaintext otherwise.
		return new SessionPipeline(registry, handler, serverMetrics(metrics), sessionSettings(properties), budget,
				tls.getIfAvailable());
	}

	// Every ServerMetrics bean gets every event: the application's own beside servercore's Micrometer meters.
	private static ServerMetrics serverMetrics(ObjectProvider<ServerMetrics> metrics) {
		return CompositeServerMetrics.of(metrics.orderedStream().toList());
	}

	static SessionSettings sessionSettings(ServerCoreProperties properties) {
		ServerCoreProperties.Send send = properties.getSend();
		ServerCoreProperties.Limits limits = properties.getLimits();
		return new SessionSettings(packetFraming(properties), send.getQueueCap().toBytes(),
				send.getCloseFlushTimeout(), limits.getIdleTimeout(), limits.getMaxSessions(),
				limits.getMaxSessionsPerAddress(), send.getHalfCloseGrace(), properties.getPacket().getAssemblyTimeout());
	}

	static PacketFraming packetFraming(ServerCoreProperties properties) {
		ServerCoreProperties.Packet packet = properties.getPacket();
		if (properties.getFraming() == ServerCoreProperties.Framing.RAW) {
			if (packet.getIdFieldBytes() != 0) {
				throw new InvalidSettingException("servercore.packet.id-field-bytes", packet.getIdFieldBytes(),
						"a message id follows the length field, and servercore.framing is raw",
						"Set servercore.framing=length-prefixed, or servercore.packet.id-field-bytes to 0.", null);
			}
			return PacketFraming.RAW;
		}
		if (properties.getFraming() == ServerCoreProperties.Framing.LINE) {
			if (packet.getIdFieldBytes() != 0) {
				throw new InvalidSettingException("servercore.packet.id-field-bytes", packet.getIdFieldBytes(),
						"a message id follows the length field, and servercore.framing is line",
						"Set servercore.framing=length-prefixed, or servercore.packet.id-field-bytes to 0.", null);
			}
			return PacketFraming.line(Math.toIntExact(packet.getMaxSize().toBytes()));
		}
		ByteOrder order = (packet.getByteOrder() == ServerCoreProperties.PacketByteOrder.LITTLE_ENDIAN)
				? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
		if (packet.getLengthFieldBytes() != 2 && packet.getLengthFieldBytes() != 4) {
			throw new InvalidSettingException("servercore.packet.length-field-bytes", packet.getLengthFieldBytes(),
					"a packet's length field is 2 or 4 bytes", "Set servercore.packet.length-field-bytes to 2 or 4.",
					null);
		}
		if (packet.getIdFieldBytes() != 0 && packet.getIdFieldBytes() != 2 && packet.getIdFieldBytes() != 4) {
			throw new InvalidSettingException("servercore.packet.id-field-bytes", packet.getIdFieldBytes(),
					"a packet's message id field is 0 (none), 2 or 4 bytes",
					"Set servercore.packet.id-field-bytes to 0, 2 or 4.", null);
		}
		long largest = PacketFraming.largestMaxSize(packet.getLengthFieldBytes(), packet.getIdFieldBytes(),
				packet.isLengthIncludesHeader());
		long maxSize = packet.getMaxSize().toBytes();
		if (packet.getLengthFieldBytes() == 2 && packet.getMaxSize().equals(ServerCoreProperties.Packet.DEFAULT_MAX_SIZE)) {
			// The 64 KiB default does not fit a 2-byte length: take the most that field can say.
			maxSize = Math.min(maxSize, largest);
		}
		if (maxSize < 1 || maxSize > largest) {
			throw new InvalidSettingException("servercore.packet.max-size", packet.getMaxSize(),
					"a packet's payload must be between 1 byte and " + largest + " bytes with a "
							+ packet.getLengthFieldBytes() + "-byte length field"
							+ ((packet.getIdFieldBytes() > 0) ? " and a " + packet.getIdFieldBytes() + "-byte id field" : "")
							+ (packet.isLengthIncludesHeader() ? " that includes the header" : ""),
					"Set servercore.packet.max-size to at most " + largest + "B"
							+ ((packet.getLengthFieldBytes() == 2) ? ", or servercore.packet.length-field-bytes to 4."
									: "."),
					null);
		}
		return PacketFraming
			.lengthPrefixed(packet.getLengthFieldBytes(), order, packet.isLengthIncludesHeader(), (int) maxSize)
			.withIdField(packet.getIdFieldBytes());
	}

	@Bean
	@ConditionalOnMissingBean(name = "servercoreTcpServer")
	TcpServer servercoreTcpServer(ServerCoreProperties properties, EventLoops loops, SessionPipeline pipeline,
			ObjectProvider<TcpServerCustomizer> customizers) {
		ServerCoreProperties.Send send = properties.getSend();
		WriteBufferWaterMark waterMark = new WriteBufferWaterMark((int) send.getLowWaterMark().toBytes(),
				(int) send.getHighWaterMark().toBytes());
		TcpServer server = ServerCore.tcpServer(properties.getHost(), properties.getPort(), loops, pipeline,
				waterMark)
			.childOption(ChannelOption.RCVBUF_ALLOCATOR,
					ServerCore.receiveAllocator(properties.getIo().getMaxMessagesPerRead()));
		// Kernel buffers: 0 removes servercore's bound and leaves them to the kernel's autotuning.
		long sendBuffer = properties.getIo().getSocketSendBuffer().toBytes();
		server = server.childOption(ChannelOption.SO_SNDBUF, (sendBuffer > 0) ? (int) sendBuffer : null);
		long receiveBuffer = properties.getIo().getSocketReceiveBuffer().toBytes();
		server = server.childOption(ChannelOption.SO_RCVBUF, (receiveBuffer > 0) ? (int) receiveBuffer : null);
		for (TcpServerCustomizer customizer : customizers.orderedStream().toList()) {
			server = customizer.customize(server);
		}
		return server;
	}

	// The lifecycle only drains, so that a stopped context can start again; the loops stop with the context.
	@Bean(destroyMethod = "stop")
	@ConditionalOnMissingBean
	ServerCore serverCore(ServerCoreProperties properties, TcpServer servercoreTcpServer, SessionRegistry registry,
			EventLoops loops) {
		return new ServerCore(servercoreTcpServer, registry, loops, properties.getLifecycleTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	ServerCoreLifecycle serverCoreLifecycle(ServerCore serverCore, ServerCoreProperties properties,
			ConfigurableEnvironment environment, ApplicationEventPublisher publisher, ObjectProvider<ServerTls> tls) {
		return new ServerCoreLifecycle(serverCore, properties, environment, publisher, tls.getIfAvailable());
	}

}
