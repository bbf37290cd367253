package dev.servercore.core.room;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.servercore.core.CloseReason;
import dev.servercore.core.Session;
import dev.servercore.core.SessionAttribute;
import dev.servercore.core.SessionListener;
import dev.servercore.core.SessionRegistry;
import io.netty.channel.EventLoopGroup;

/**
 * The rooms of a server, by name: creates them on their event loops (spread over the loops), finds and lists
 * them, and makes members leave when their sessions close.
 *
 * <pre>
 * RoomRegistry rooms = new RoomRegistry(sessions, loops.group(), RoomRegistry.DEFAULT_QUEUE_CAPACITY, RoomMetrics.NONE);
 * rooms.join("lobby", session, (name) -&gt; new ChatRoom()).thenAccept((result) -&gt; ...); // created on demand
 * Room hub = rooms.create("hub", new HubLogic());                                          // persistent
 * </pre>
 *
 * <p>It listens to the {@link SessionRegistry}: a closing session leaves every room it was in, on each
 * room's queue, whatever the close reason; a drain tells every room ({@link RoomHandler#onDrain}) before the
 * sessions are closed.
 */
public final class RoomRegistry {

	/** Default room queue capacity: 10,000 jobs. */
	public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

	// The rooms a session is in; read when it closes.
	private static final SessionAttribute<Set<Room>> MEMBERSHIPS = SessionAttribute.named("servercore.rooms");

	private final ConcurrentMap<String, Room> rooms = new ConcurrentHashMap<>();

	private final EventLoopGroup loops;

	private final int queueCapacity;

	private final RoomMetrics metrics;

	private final AtomicInteger members = new AtomicInteger();

	/**
	 * Creates the registry and starts listening to the sessions.
	 * @param sessions the server's sessions
	 * @param loops the event loops rooms run on
	 * @param queueCapacity the most jobs that may wait in one room's queue
	 * @param metrics what to record
	 */
	public RoomRegistry(SessionRegistry sessions, EventLoopGroup loops, int queueCapacity, RoomMetrics metrics) {
		Objects.requireNonNull(sessions, "sessions");
		this.loops = Objects.requireNonNull(loops, "loops");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
		if (queueCapacity < 1) {
			throw new IllegalArgumentException(
					"servercore.rooms.queue-capacity must be at least 1, was: " + queueCapacity);
		}
		this.queueCapacity = queueCapacity;
		sessions.addListener(new SessionListener() {

			@Override
			public void onClose(Session session, CloseReason reason) {
				leaveAll(session);
			}

			@Override
			public CompletionStage<?> onDrain() {
				return drainAll();
			}

		});
	}

	/**
	 * Creates a persistent room: kept when it is empty, until {@link Room#dispose()}.
	 * @param name the room's name
	 * @param logic the room's game logic
	 * @return the room
	 * @throws IllegalStateException if a room has that name
	 */
	public Room create(String name, RoomHandler logic) {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(logic, "logic");
		return this.rooms.compute(name, (key, existing) -> {
			if (existing != null && !existing.isDisposed()) {
				throw new IllegalStateException("A room named '" + key + "' exists already");
			}
			Room created = newRoom(key, logic, true);
			created.created();
			return created;
		});
	}

	/**
	 * Joins a session to the room of that name, creating the room (not persistent: disposed once empty) if
	 * there is none. Never races with the disposal of an emptying room: the join either reaches the existing
	 * room or a new one.
	 * @param name the room's name
	 * @param session the session
	 * @param logic creates the room's game logic if the room is created; called under the registry's lock for
	 * that name, so keep it quick
	 * @return completed on the room's loop with the outcome, never exceptionally
	 */
	public CompletionStage<JoinResult> join(String name, Session session, Function<String, ? extends RoomHandler> logic) {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(session, "session");
		Objects.requireNonNull(logic, "logic");
		CompletableFuture<JoinResult> result = new CompletableFuture<>();
		Room[] reserved = new Room[1];
		Room room = this.rooms.compute(name, (key, existing) -> {
			if (existing != null) {
				int place = existing.acquire(true);
				if (place == Room.ACQUIRED) {
					reserved[0] = existing;
				}
				if (place != Room.CLOSED) {
					return existing;
				}
			}
			Room created = newRoom(key, logic.apply(key), false);
			// Reserved before its onCreate can run, so that the new room is not disposed as empty first.
			created.acquire(false);
			created.created();
			reserved[0] = created;
			return created;
		});
		if (reserved[0] != null) {
			reserved[0].enqueueJoin(session, result);
		}
		else {
			result.complete(JoinResult.rejected(room, "room busy"));
		}
		return result;
	}

	/**
	 * Finds a room.
	 * @param name the room's name
	 * @return the room, or empty if there is none
	 */
	public Optional<Room> find(String name) {
		return Optional.ofNullable(this.rooms.get(name)).filter((room) -> !room.isDisposed());
	}

	/**
	 * Returns the rooms at this moment, by name.
	 * @return an immutable snapshot
	 */
	public List<Room> snapshot() {
		List<Room> snapshot = new ArrayList<>(this.rooms.values());
		snapshot.removeIf(Room::isDisposed);
		snapshot.sort(Comparator.comparing(Room::name));
		return List.copyOf(snapshot);
	}

	/**
	 * Returns the number of rooms.
	 * @return the room count
	 */
	public int size() {
		return this.rooms.size();
	}

	/**
	 * Returns the members of all rooms: a session in two rooms counts twice.
	 * @return the memberships
	 */
	public int members() {
		return this.members.get();
	}

	/**
	 * Returns the rooms a session is in.
	 * @param session the session
	 * @return the rooms, by name
	 */
	public List<Room> roomsOf(Session session) {
		Set<Room> in = session.attributes().get(MEMBERSHIPS);
		if (in == null) {
			return List.of();
		}
		List<Room> list = new ArrayList<>(in);
		list.sort(Comparator.comparing(Room::name));
		return List.copyOf(list);
	}

	private Room newRoom(String name, RoomHandler logic, boolean persistent) {
		Objects.requireNonNull(logic, "logic");
		return new Room(name, logic, this.loops.next(), this, persistent, this.queueCapacity, this.metrics);
	}

	void track(Session session, Room room) {
		session.attributes().computeIfAbsent(MEMBERSHIPS, ConcurrentHashMap::newKeySet).add(room);
	}

	void untrack(Session session, Room room) {
		Set<Room> in = session.attributes().get(MEMBERSHIPS);
		if (in != null) {
			in.remove(room);
		}
	}

	void membersChanged(int delta) {
		this.members.addAndGet(delta);
	}

	void removed(Room room) {
		this.rooms.remove(room.name(), room);
	}

	private void leaveAll(Session session) {
		Set<Room> in = session.attributes().get(MEMBERSHIPS);
		if (in == null) {
			return;
		}
		for (Room room : in) {
			room.leaveOnClose(session, session.attributes().hold());
		}
	}

	private CompletableFuture<Void> drainAll() {
		List<CompletableFuture<Void>> told = new ArrayList<>();
		for (Room room : this.rooms.values()) {
			told.add(room.drain());
		}
		return CompletableFuture.allOf(told.toArray(CompletableFuture[]::new));
	}

}
