package dev.servercore.actuate;

import java.util.List;
import java.util.Objects;

import dev.servercore.core.Session;
import dev.servercore.core.room.Room;
import dev.servercore.core.room.RoomRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code rooms} Actuator endpoint: per-room detail that metrics leave out on purpose (no per-room tags).
 * Not exposed unless configured.
 *
 * <pre>
 * GET /actuator/rooms?offset=0&amp;limit=100   count and a page of rooms, by name
 * GET /actuator/rooms/{name}                one room with its members' session ids (404 if none)
 * </pre>
 */
@Endpoint(id = "rooms")
public class RoomsEndpoint {

	/** Page size when no limit is given. */
	public static final int DEFAULT_LIMIT = 100;

	/** The largest page, and the most member ids shown for one room. */
	public static final int MAX_LIMIT = 1000;

	private final RoomRegistry rooms;

	/**
	 * Creates the endpoint.
	 * @param rooms the rooms
	 */
	public RoomsEndpoint(RoomRegistry rooms) {
		this.rooms = Objects.requireNonNull(rooms, "rooms");
	}

	/**
	 * Lists the rooms.
	 * @param offset how many rooms to skip, by name order; 0 when absent
	 * @param limit the page size, 1 to {@value #MAX_LIMIT}; {@value #DEFAULT_LIMIT} when absent
	 * @return the count of rooms and the page
	 */
	@ReadOperation
	public RoomsDescriptor rooms(@Nullable Integer offset, @Nullable Integer limit) {
		int from = (offset != null) ? offset : 0;
		int size = (limit != null) ? limit : DEFAULT_LIMIT;
		if (from < 0 || size < 1 || size > MAX_LIMIT) {
			throw new InvalidEndpointRequestException("offset must not be negative and limit must be between 1 and "
					+ MAX_LIMIT + ", were: " + from + ", " + size, "offset or limit out of range");
		}
		List<Room> all = this.rooms.snapshot();
		List<RoomDescriptor> page = all.stream().skip(from).limit(size).map(RoomDescriptor::of).toList();
		return new RoomsDescriptor(all.size(), this.rooms.members(), from, size, page);
	}

	/**
	 * Shows one room with its members.
	 * @param name the room's name
	 * @return the room, or {@code null} (404) if there is none
	 */
	@ReadOperation
	public @Nullable RoomDetailDescriptor room(@Selector String name) {
		return this.rooms.find(name).map((room) -> new RoomDetailDescriptor(RoomDescriptor.of(room),
				room.members().stream().limit(MAX_LIMIT).map(Session::id).toList())).orElse(null);
	}

	/**
	 * The rooms: their count, their members, and one page of them.
	 *
	 * @param count the number of rooms
	 * @param members the members of all rooms
	 * @param offset the rooms skipped
	 * @param limit the page size asked for
	 * @param rooms the page, by name
	 */
	public record RoomsDescriptor(int count, int members, int offset, int limit, List<RoomDescriptor> rooms) {
	}

	/**
	 * One room, as seen when asked.
	 *
	 * @param name the room's name
	 * @param persistent whether it is kept when empty
	 * @param members its member count
	 * @param queueDepth jobs waiting
	 * @param jobsRun jobs run
	 * @param jobsRejected posts rejected because the queue was full
	 * @param jobsFailed jobs that threw
	 * @param tickRate ticks per second, 0 without a tick
	 * @param ticks ticks run
	 * @param tickOverruns ticks that ended after the next was due
	 * @param tickP50Micros median duration of the last ticks, in microseconds
	 * @param tickP99Micros 99th percentile duration of the last ticks, in microseconds
	 */
	public record RoomDescriptor(String name, boolean persistent, int members, int queueDepth, long jobsRun,
			long jobsRejected, long jobsFailed, int tickRate, long ticks, long tickOverruns, long tickP50Micros,
			long tickP99Micros) {

		static RoomDescriptor of(Room room) {
			return new RoomDescriptor(room.name(), room.isPersistent(), room.memberCount(), room.queueDepth(),
					room.jobsRun(), room.jobsRejected(), room.jobsFailed(), room.tickRate(), room.ticks(),
					room.tickOverruns(), room.tickDuration(50).toNanos() / 1000, room.tickDuration(99).toNanos() / 1000);
		}

	}

	/**
	 * One room and its members.
	 *
	 * @param room the room
	 * @param sessionIds the members' session ids, in join order, at most {@value #MAX_LIMIT}
	 */
	public record RoomDetailDescriptor(RoomDescriptor room, List<Long> sessionIds) {
	}

}
