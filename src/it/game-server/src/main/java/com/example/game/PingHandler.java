package com.example.game;

import java.nio.charset.StandardCharsets;

import dev.servercore.core.Session;
import dev.servercore.core.SessionHandler;
import io.netty.buffer.ByteBuf;

/**
 * The game's protocol, reduced to one message: each packet {@code ping <text>} is answered with
 * {@code pong <text>}; anything else with {@code unknown}.
 */
class PingHandler implements SessionHandler {

	@Override
	public void onReceive(Session session, ByteBuf packet) {
		// With length-prefixed framing (application.yaml) each call carries exactly one whole packet.
		String message = packet.toString(StandardCharsets.UTF_8);
		String answer = message.startsWith("ping ") ? "pong " + message.substring(5) : "unknown";
		session.send(answer.getBytes(StandardCharsets.UTF_8));
	}

}
