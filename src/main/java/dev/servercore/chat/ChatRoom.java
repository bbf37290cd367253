package dev.servercore.chat;

import java.util.stream.Collectors;

import dev.servercore.core.Session;
import dev.servercore.core.room.Admission;
import dev.servercore.core.room.Room;
import dev.servercore.core.room.RoomHandler;

/**
 * One chat room: admits up to a number of members and tells everyone who comes and goes. Runs on the room's
 * thread, so it needs no locks.
 */
final class ChatRoom implements RoomHandler {

	// The most names /who prints.
	private static final int WHO_LIMIT = 20;

	private final int maxMembers;

	ChatRoom(int maxMembers) {
		this.maxMembers = maxMembers;
	}

	@Override
	public Admission admit(Room room, Session session) {
		if (room.memberCount() >= this.maxMembers) {
			return Admission.reject("room full (" + this.maxMembers + " members)");
		}
		return Admission.accept();
	}

	@Override
	public void onJoin(Room room, Session session) {
		// Set here, on the room, before anyone hears of the join: the member's next line goes to this room.
		session.attributes().set(Chat.ROOM, room);
		room.broadcast(Chat.line("* " + Chat.nick(session) + " joined " + room.name() + " (" + room.memberCount()
				+ " here)"));
	}

	@Override
	public void onLeave(Room room, Session session) {
		session.attributes().remove(Chat.ROOM, room);
		room.broadcast(Chat.line("* " + Chat.nick(session) + " left " + room.name()));
		if (session.isOpen()) {
			Chat.send(session, "* you left " + room.name());
		}
	}

	/** Says a line to everyone in the room, the sender included. */
	void say(Room room, Session sender, String text) {
		room.broadcast(Chat.line(Chat.nick(sender) + ": " + text));
	}

	/** Tells a member who is here. */
	void who(Room room, Session asker) {
		String names = room.members().stream().limit(WHO_LIMIT).map(Chat::nick).collect(Collectors.joining(", "));
		int more = room.memberCount() - WHO_LIMIT;
		Chat.send(asker, "* in " + room.name() + ": " + names + ((more > 0) ? " and " + more + " more" : ""));
	}

}
