package dev.servercore.core;

import java.net.InetSocketAddress;

/**
 * Formats socket addresses for people: {@code 127.0.0.1:7000}, {@code [::1]:7000}, without the
 * {@code /host} prefix of {@link InetSocketAddress#toString()} and without a reverse DNS lookup.
 */
public final class Addresses {

	private Addresses() {
	}

	/**
	 * Formats an address as {@code host:port}, with brackets around an IPv6 host.
	 * @param address the address, may be {@code null}
	 * @return the formatted address, or {@code "-"} for {@code null}
	 */
	public static String hostAndPort(InetSocketAddress address) {
		if (address == null) {
			return "-";
		}
		String host = address.getHostString();
		return (host.indexOf(':') >= 0) ? "[" + host + "]:" + address.getPort() : host + ":" + address.getPort();
	}

}
