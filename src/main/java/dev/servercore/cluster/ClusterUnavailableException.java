package dev.servercore.cluster;

/**
 * A cluster call could not be made: Redis is unreachable, or the node's outbound buffer toward Redis is full.
 * Raised at once (fail fast), never after a long wait; local play is not affected.
 */
public class ClusterUnavailableException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param message what could not be done and why
	 */
	public ClusterUnavailableException(String message) {
		super(message);
	}

	/**
	 * Creates the exception.
	 * @param message what could not be done and why
	 * @param cause the Redis error
	 */
	public ClusterUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
