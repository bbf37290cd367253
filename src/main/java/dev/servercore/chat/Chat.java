package dev.servercore.chat;

import java.nio.charset.StandardCharsets;

import dev.servercore.core.Session;
import dev.servercore.core.SessionAttribute;
import dev.servercore.core.room.Room;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * What the chat keeps per session, and how it writes a line.
 */
final class Chat {

	/** The session's nickname. */
	static final SessionAttribute<String> NICK = SessionAttribute.named("chat.nick");

	/** The room the session talks to. */
	static final SessionAttribute<Room> ROOM = SessionAttribute.named("chat.room");

	private Chat() {
	}

	static String nick(Session session) {
		String nick = session.attributes().get(NICK);
		return (nick != null) ? nick : "guest" + session.id();
	}

	/** Encodes one line of text; the framing adds the newline or the length header. */
	static ByteBuf line(String text) {
		return ByteBufUtil.writeUtf8(PooledByteBufAllocator.DEFAULT, text);
	}

	static void send(Session session, String text) {
		session.send(line(text));
	}

	static String text(ByteBuf data) {
		return data.toString(StandardCharsets.UTF_8).strip();
	}

}
