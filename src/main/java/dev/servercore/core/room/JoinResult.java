package dev.servercore.core.room;

/**
 * How a join attempt ended.
 *
 * @param room the room the attempt was made on
 * @param accepted whether the session is now a member
 * @param reason why it was rejected (the room's own reason, "room busy" when the room's queue was full,
 * "room closed" when it was disposed, "session closed"); empty when accepted
 */
public record JoinResult(Room room, boolean accepted, String reason) {

	static JoinResult accepted(Room room) {
		return new JoinResult(room, true, "");
	}

	static JoinResult rejected(Room room, String reason) {
		return new JoinResult(room, false, reason);
	}

}
