package dev.servercore.core.room;

import dev.servercore.core.Session;

/**
 * A room's game logic. Every callback runs on the room's own thread, one at a time, in the order of the
 * room's queue: keep state in plain fields, without locks, and never block.
 *
 * <p>If a callback throws, the error is logged and counted and the room goes on.
 */
public interface RoomHandler {

	/**
	 * Called first, once, on the room's thread: a good place to start a tick.
	 * @param room the new room
	 */
	default void onCreate(Room room) {
	}

	/**
	 * Decides a join attempt. The default accepts everyone.
	 * @param room the room
	 * @param session the session that wants to join
	 * @return {@link Admission#accept()} or {@link Admission#reject(String)} with a reason for the client
	 */
	default Admission admit(Room room, Session session) {
		return Admission.accept();
	}

	/**
	 * Called once a session was admitted and is a member (it receives broadcasts from now on).
	 * @param room the room
	 * @param session the new member
	 */
	default void onJoin(Room room, Session session) {
	}

	/**
	 * Called once a member has left: by {@link Room#leave(Session)}, or because its session closed, whatever
	 * the reason. The session's attributes are still readable here.
	 * @param room the room
	 * @param session the former member
	 */
	default void onLeave(Room room, Session session) {
	}

	/**
	 * Called at the room's tick rate once {@link Room#startTicking(int)} was called.
	 * @param room the room
	 */
	default void onTick(Room room) {
	}

	/**
	 * Called when the room's queue is full and a job was rejected, once until the queue is empty again, so
	 * that a game can shed load its own way. Runs on the room's thread ahead of the queued jobs.
	 * @param room the room
	 */
	default void onOverload(Room room) {
	}

	/**
	 * Called once when the server starts draining, before the members are closed: save state, or tell the
	 * members where to go.
	 * @param room the room
	 */
	default void onDrain(Room room) {
	}

	/**
	 * Called last, once, when the room is disposed: after its members left.
	 * @param room the room
	 */
	default void onDispose(Room room) {
	}

}
