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

	private final ChatRelay relay;

	ChatRoom(int maxMembers, ChatRelay relay) {
		this.maxMembers = maxMembers;
		this.relay = relay;
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
		this.relay.joined(room, session);
		this.relay.broadcast(room, Chat.line("* " + Chat.nick(session) + " joined " + room.name() + " (" + room.memberCount()
				+ " here)"));
	}

	@Override
	public void onLeave(Room room, Session session) {
		session.attributes().remove(Chat.ROOM, room);
		this.relay.left(room, session);
		this.relay.broadcast(room, Chat.line("* " + Chat.nick(session) + " left " + room.name()));
		if (session.isOpen()) {
			Chat.send(session, "* you left " + room.name());
		}
	}

	/** Says a line to everyone in the room (on every node with the cluster on), the sender included. */
	void say(Room room, Session sender, String text) {
		this.relay.broadcast(room, Chat.line(Chat.nick(sender) + ": " + text));
	}

	/** Tells the room a member changed its nickname. */
	void renamed(Room room, String old, String name) {
		this.relay.broadcast(room, Chat.line("* " + old + " is now " + name));
	}

	/** Tells a member who is here (on this node). */
	void who(Room room, Session asker) {
		String names = room.members().stream().limit(WHO_LIMIT).map(Chat::nick).collect(Collectors.joining(", "));
		int more = room.memberCount() - WHO_LIMIT;
		Chat.send(asker, "* in " + room.name() + ": " + names + ((more > 0) ? " and " + more + " more" : ""));
	}

}
