package dev.servercore.core;

/**
 * The pipeline event that tells a session the server is draining; {@code SessionChannelHandler} turns it
 * into {@link SessionHandler#onDrain(Session)} on the session's own loop.
 */
final class DrainEvent {

	/** The only instance. */
	static final DrainEvent INSTANCE = new DrainEvent();

	private DrainEvent() {
	}

	@Override
	public String toString() {
		return "DrainEvent";
	}

}
