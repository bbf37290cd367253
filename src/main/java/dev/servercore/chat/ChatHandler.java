package dev.servercore.chat;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.servercore.core.CloseReason;
import dev.servercore.core.Session;
import dev.servercore.core.SessionHandler;
import dev.servercore.core.room.Room;
import dev.servercore.core.room.RoomRegistry;
import io.netty.buffer.ByteBuf;

/**
 * A chat on rooms, one line per message (line framing for {@code nc}, or one packet per line with
 * length-prefixed framing). Commands: {@code /nick NAME}, {@code /join ROOM}, {@code /leave}, {@code /rooms},
 * {@code /who}, {@code /quit}; any other line is said to the current room as {@code nick: line}. Errors come
 * back as one line starting with {@code error:}.
 *
 * <pre>
 * $ nc localhost 7000
 * * welcome: /nick NAME, /join ROOM, /leave, /rooms, /who, /quit
 * /nick alice
 * * you are alice
 * /join lobby
 * * alice joined lobby (1 here)
 * hello
 * alice: hello
 * </pre>
 */
public final class ChatHandler implements SessionHandler {

	/** Default most members of one room. */
	public static final int DEFAULT_MAX_MEMBERS = 1000;

	/** The longest line a member may say, in characters. */
	public static final int MAX_TEXT = 500;

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,24}");

	// The most rooms /rooms prints.
	private static final int ROOMS_LIMIT = 20;

	private final RoomRegistry rooms;

	private final int maxMembers;

	private final ChatRelay relay;

	// Nicknames taken, to keep them unique.
	private final ConcurrentMap<String, Session> nicks = new ConcurrentHashMap<>();

	/**
	 * Creates the chat.
	 * @param rooms where the chat rooms live
	 * @param maxMembers the most members of one room
	 */
	public ChatHandler(RoomRegistry rooms, int maxMembers) {
		this(rooms, maxMembers, ChatRelay.LOCAL);
	}

	/**
	 * Creates the chat with rooms and names that may reach beyond this server.
	 * @param rooms where the chat rooms live
	 * @param maxMembers the most members of one room
	 * @param relay where rooms and names reach: {@link ChatRelay#LOCAL}, or the cluster
	 */
	public ChatHandler(RoomRegistry rooms, int maxMembers, ChatRelay relay) {
		this.relay = Objects.requireNonNull(relay, "relay");
		this.rooms = Objects.requireNonNull(rooms, "rooms");
		if (maxMembers < 1) {
			throw new IllegalArgumentException("maxMembers must be at least 1, was: " + maxMembers);
		}
		this.maxMembers = maxMembers;
	}

	@Override
	public void onOpen(Session session) {
		Chat.send(session, "* welcome: /nick NAME, /join ROOM, /leave, /rooms, /who, /quit");
	}

	@Override
	public void onReceive(Session session, ByteBuf data) {
		String line = Chat.text(data);
		if (line.isEmpty()) {
			return;
		}
		if (!line.startsWith("/")) {
			say(session, line);
			return;
		}
		int space = line.indexOf(' ');
		String command = (space < 0) ? line : line.substring(0, space);
		String argument = (space < 0) ? "" : line.substring(space + 1).strip();
		switch (command) {
			case "/nick" -> nick(session, argument);
			case "/join" -> join(session, argument);
			case "/leave" -> leave(session);
			case "/rooms" -> listRooms(session);
			case "/who" -> who(session);
			case "/quit" -> {
				Chat.send(session, "* bye");
				session.close(CloseReason.CLOSED_BY_APPLICATION);
			}
			default -> error(session, "unknown command " + command + " (try /nick, /join, /leave, /rooms, /who, /quit)");
		}
	}

	@Override
	public void onClose(Session session, CloseReason reason) {
		// The rooms make the session leave on their own; only the nickname is the chat's to free.
		String nick = session.attributes().get(Chat.NICK);
		if (nick != null) {
			this.nicks.remove(nick, session);
		}
	}

	private void say(Session session, String text) {
		Room room = session.attributes().get(Chat.ROOM);
		if (room == null) {
			error(session, "not in a room: /join ROOM first");
			return;
		}
		if (text.length() > MAX_TEXT) {
			error(session, "line too long (at most " + MAX_TEXT + " characters)");
			return;
		}
		ChatRoom chat = (ChatRoom) room.handler();
		if (!room.post(() -> chat.say(room, session, text))) {
			error(session, "room busy, line dropped");
		}
	}

	private void nick(Session session, String name) {
		if (!NAME.matcher(name).matches()) {
			error(session, "a nickname is 1 to 24 letters, digits, '_' or '-'");
			return;
		}
		String old = Chat.nick(session);
		if (name.equals(old)) {
			Chat.send(session, "* you are " + name);
			return;
		}
		if (this.nicks.putIfAbsent(name, session) != null) {
			error(session, "name taken: " + name);
			return;
		}
		// Taken here at once, so that the session's next commands (a /join right after) already use it; the relay
		// (the cluster) confirms it is free elsewhere too, or it is given back.
		String previous = session.attributes().get(Chat.NICK);
		session.attributes().set(Chat.NICK, name);
		this.relay.claimName(session, name).whenComplete((claimed, ex) -> {
			if (ex != null || !Boolean.TRUE.equals(claimed)) {
				if (session.attributes().remove(Chat.NICK, name) && previous != null) {
					session.attributes().set(Chat.NICK, previous);
				}
				this.nicks.remove(name, session);
				error(session, (ex != null) ? "names cannot be checked now, try again later" : "name taken: " + name);
				return;
			}
			if (previous != null) {
				this.nicks.remove(previous, session);
				this.relay.releaseName(session, previous);
			}
			Chat.send(session, "* you are " + name);
			Room room = session.attributes().get(Chat.ROOM);
			if (room != null) {
				ChatRoom chat = (ChatRoom) room.handler();
				room.post(() -> chat.renamed(room, old, name));
			}
		});
	}

	private void join(Session session, String name) {
		if (!NAME.matcher(name).matches()) {
			error(session, "a room name is 1 to 24 letters, digits, '_' or '-'");
			return;
		}
		Room current = session.attributes().get(Chat.ROOM);
		if (current != null) {
			if (current.name().equals(name)) {
				Chat.send(session, "* already in " + name);
				return;
			}
			if (!current.leave(session)) {
				error(session, "room busy, still in " + current.name());
				return;
			}
		}
		this.rooms.join(name, session, (room) -> new ChatRoom(this.maxMembers, this.relay)).thenAccept((result) -> {
			if (!result.accepted()) {
				error(session, "cannot join " + name + ": " + result.reason());
			}
		});
	}

	private void leave(Session session) {
		Room room = session.attributes().get(Chat.ROOM);
		if (room == null) {
			error(session, "not in a room");
			return;
		}
		if (!room.leave(session)) {
			error(session, "room busy");
		}
	}

	private void listRooms(Session session) {
		var all = this.rooms.snapshot();
		if (all.isEmpty()) {
			Chat.send(session, "* no rooms yet: /join ROOM creates one");
			return;
		}
		String list = all.stream()
			.limit(ROOMS_LIMIT)
			.map((room) -> room.name() + " (" + room.memberCount() + ")")
			.collect(Collectors.joining(", "));
		int more = all.size() - ROOMS_LIMIT;
		Chat.send(session, "* rooms: " + list + ((more > 0) ? " and " + more + " more" : ""));
	}

	private void who(Session session) {
		Room room = session.attributes().get(Chat.ROOM);
		if (room == null) {
			error(session, "not in a room");
			return;
		}
		ChatRoom chat = (ChatRoom) room.handler();
		if (!room.post(() -> chat.who(room, session))) {
			error(session, "room busy");
		}
	}

	private static void error(Session session, String message) {
		Chat.send(session, "error: " + message);
	}

}
