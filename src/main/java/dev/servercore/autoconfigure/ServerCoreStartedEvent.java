package dev.servercore.autoconfigure;

import java.net.InetSocketAddress;

import dev.servercore.core.ServerCore;

import org.springframework.context.ApplicationEvent;

/**
 * Published once the servercore listener is bound; carries the bound address, so that tests can use port 0.
 */
public class ServerCoreStartedEvent extends ApplicationEvent {

	private final InetSocketAddress address;

	public ServerCoreStartedEvent(ServerCore server) {
		super(server);
		this.address = server.address();
	}

	/**
	 * Returns the bound address.
	 * @return the address
	 */
	public InetSocketAddress getAddress() {
		return this.address;
	}

	/**
	 * Returns the bound port.
	 * @return the port
	 */
	public int getPort() {
		return this.address.getPort();
	}

}
