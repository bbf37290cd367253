package dev.servercore.core.room;

import java.util.Objects;

/**
 * A room's answer to a join attempt ({@link RoomHandler#admit}): accepted, or rejected with a reason the
 * client can be told.
 *
 * @param accepted whether the session may join
 * @param reason why it was rejected, for the client; empty when accepted
 */
public record Admission(boolean accepted, String reason) {

	private static final Admission ACCEPT = new Admission(true, "");

	public Admission {
		Objects.requireNonNull(reason, "reason");
	}

	/**
	 * Accepts the join.
	 * @return the acceptance
	 */
	public static Admission accept() {
		return ACCEPT;
	}

	/**
	 * Rejects the join.
	 * @param reason why, in words the client can be shown (for example "room full")
	 * @return the rejection
	 */
	public static Admission reject(String reason) {
		return new Admission(false, Objects.requireNonNull(reason, "reason"));
	}

}
