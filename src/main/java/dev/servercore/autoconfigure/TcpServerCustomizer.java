package dev.servercore.autoconfigure;

import reactor.netty.tcp.TcpServer;

/**
 * Customizes the servercore {@link TcpServer} bean before it is bound. Customizers are applied in order.
 * Keep the returned instance: {@code TcpServer} is immutable.
 */
@FunctionalInterface
public interface TcpServerCustomizer {

	/**
	 * Customizes the server.
	 * @param server the server so far
	 * @return the customized server
	 */
	TcpServer customize(TcpServer server);

}
