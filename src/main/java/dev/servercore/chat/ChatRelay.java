package dev.servercore.chat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.servercore.core.Session;
import dev.servercore.core.room.Room;
import io.netty.buffer.ByteBuf;

/**
 * Where the chat's rooms and names reach beyond this server: {@link #LOCAL} keeps them on this node; the cluster
 * makes each room a cluster-wide group and each nickname unique across nodes.
 */
public interface ChatRelay {

	/** Rooms and names of this node only. */
	ChatRelay LOCAL = new ChatRelay() {
	};

	/**
	 * A session joined a room (on the room's thread, before its join is announced).
	 * @param room the room
	 * @param member the new member
	 */
	default void joined(Room room, Session member) {
	}

	/**
	 * A session left a room (on the room's thread).
	 * @param room the room
	 * @param member the former member
	 */
	default void left(Room room, Session member) {
	}

	/**
	 * Says a line to everyone in the room (on the room's thread).
	 * @param room the room
	 * @param line the encoded line; ownership passes to the relay
	 */
	default void broadcast(Room room, ByteBuf line) {
		room.broadcast(line);
	}

	/**
	 * Takes a nickname for a session unless another session has it.
	 * @param session the session
	 * @param name the nickname
	 * @return completed with {@code true} if the session has the name now, {@code false} if it is taken
	 */
	default CompletionStage<Boolean> claimName(Session session, String name) {
		return CompletableFuture.completedFuture(true);
	}

	/**
	 * Gives a nickname back.
	 * @param session the session that had it
	 * @param name the nickname
	 */
	default void releaseName(Session session, String name) {
	}

}
