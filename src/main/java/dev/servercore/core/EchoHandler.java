package dev.servercore.core;

import io.netty.buffer.ByteBuf;

/**
 * The built-in handler: sends back whatever a session receives, byte for byte, with no copy.
 */
public final class EchoHandler implements SessionHandler {

	@Override
	public void onReceive(Session session, ByteBuf data) {
		// The core releases data after this call; the retained reference is released once written.
		session.send(data.retain());
	}

}
