package dev.servercore.core;

import io.netty.buffer.ByteBuf;

/**
 * The application's logic: what a session does with what it receives. The built-in default is
 * {@link EchoHandler}.
 *
 * <p>All callbacks of a session run on that session's own event loop, one at a time and in order:
 * never block in them. To do slow work, hand it to another executor and come back with
 * {@link Session#post(Runnable)} or {@link Session#send(ByteBuf)}, both safe from any thread.
 *
 * <p>If a callback throws, only that session is closed, with {@link CloseReason#HANDLER_ERROR}.
 */
@FunctionalInterface
public interface SessionHandler {

	/**
	 * Called once when a session has been accepted and registered.
	 * @param session the new session
	 */
	default void onOpen(Session session) {
	}

	/**
	 * Called for each receive completion: a chunk of bytes as it arrived with raw framing, or exactly one
	 * whole packet payload with length-prefixed framing.
	 * @param session the session that received
	 * @param data the bytes; valid only during this call and released by the core when it returns, so
	 * {@code retain()} it to keep it or to hand it to another thread. Sending it back from this call needs no
	 * {@code retain()}: {@code session.send(data)} takes a reference of its own ({@code send(data.retain())}
	 * works too and passes the handler's). A slice or duplicate of it is another buffer: send
	 * {@code data.retainedSlice(...)} instead.
	 */
	void onReceive(Session session, ByteBuf data);

	/**
	 * Called instead of {@link #onOpen(Session)} when a connection is refused because a session limit is
	 * reached: the one chance to tell the client why. The packet returned (a payload: with length-prefixed
	 * framing its header is added) is written and flushed, then the connection is closed; nothing is read
	 * from it, and a client that does not take the packet within a second is closed anyway. A client that
	 * already sent bytes may get a reset instead of the packet. The session is already closed with
	 * {@link CloseReason#REJECTED_LIMIT}: it never enters the registry and {@code send} refuses.
	 * @param session the refused session, for its addresses
	 * @return the payload to send (ownership passes to the core), or {@code null} (the default) to close at once
	 */
	default ByteBuf onRejected(Session session) {
		return null;
	}

	/**
	 * Called once when the session has ended, after it left the registry.
	 * @param session the closed session
	 * @param reason why it ended, the same as {@link Session#closeReason()}
	 */
	default void onClose(Session session, CloseReason reason) {
	}

	/**
	 * Called once per open session when the server starts draining before shutdown: the listener is closed
	 * and the session will be closed with {@link CloseReason#SERVER_SHUTDOWN} when the drain ends. A
	 * handler can use it to tell the client to move, or close the session itself once its work is done.
	 * @param session an open session
	 */
	default void onDrain(Session session) {
	}

}
