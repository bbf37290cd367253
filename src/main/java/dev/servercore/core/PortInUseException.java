package dev.servercore.core;

/**
 * The server could not bind because its port is already in use.
 */
public class PortInUseException extends IllegalStateException {

	private final int port;

	/**
	 * Creates the exception.
	 * @param port the port that is in use
	 * @param cause the bind failure
	 */
	public PortInUseException(int port, Throwable cause) {
		super("servercore cannot listen: port " + port + " is already in use", cause);
		this.port = port;
	}

	/**
	 * Returns the port that is in use.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

}
