package dev.servercore.cluster;

import java.util.concurrent.CompletionStage;

import dev.servercore.chat.ChatRelay;
import dev.servercore.core.Session;
import dev.servercore.core.room.Room;
import io.netty.buffer.ByteBuf;

/**
 * The chat across nodes: each chat room is the cluster group {@code chat:ROOM}, and nicknames are keys of the
 * cluster directory ({@code chat-nick:NAME}), so they are unique cluster-wide.
 */
final class ClusterChatRelay implements ChatRelay {

	private final Cluster cluster;

	ClusterChatRelay(Cluster cluster) {
		this.cluster = cluster;
	}

	@Override
	public void joined(Room room, Session member) {
		this.cluster.join(group(room), member);
	}

	@Override
	public void left(Room room, Session member) {
		this.cluster.leave(group(room), member);
	}

	@Override
	public void broadcast(Room room, ByteBuf line) {
		// Local members get it at once; if Redis is unreachable the publish is counted as lost for the others.
		this.cluster.publish(group(room), line);
	}

	@Override
	public CompletionStage<Boolean> claimName(Session session, String name) {
		return this.cluster.claim(session, "chat-nick:" + name);
	}

	@Override
	public void releaseName(Session session, String name) {
		this.cluster.unbind(session, "chat-nick:" + name);
	}

	private static String group(Room room) {
		return "chat:" + room.name();
	}

}
