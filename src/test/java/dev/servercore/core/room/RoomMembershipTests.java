package dev.servercore.core.room;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.servercore.core.Session;
import dev.servercore.core.SessionAttribute;
import dev.servercore.core.SessionHandler;
import dev.servercore.core.SessionSettings;
import dev.servercore.support.RoomServer;
import dev.servercore.support.TestClient;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Membership over real sockets: a session in several rooms leaves each when it closes, on each room's
 * queue; empty rooms go unless persistent; attributes outlive the leave and are then cleared; a drain tells
 * the rooms while their members are still connected.
 */
class RoomMembershipTests {

	private static final SessionAttribute<String> NICK = SessionAttribute.named("nick");

	private final List<String> events = new CopyOnWriteArrayList<>();

	@Test
	void aSessionInSeveralRoomsLeavesEachWhenItClosesAndEmptyRoomsAreDisposed() {
		Recorder recorder = new Recorder();
		try (RoomServer server = RoomServer.start(SessionSettings.DEFAULTS, (rooms) -> joinOnOpen(rooms, recorder, "a", "b"))) {
			Session session;
			try (TestClient client = TestClient.connect(server.port())) {
				await().atMost(Duration.ofSeconds(10)).until(() -> server.rooms().members() == 2);
				session = server.sessions().snapshot().get(0);
				assertThat(server.rooms().roomsOf(session)).extracting(Room::name).containsExactly("a", "b");
				assertThat(server.rooms().snapshot()).extracting(Room::name).containsExactly("a", "b");
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> server.rooms().size() == 0);
			assertThat(this.events).containsExactlyInAnyOrder("join a alice", "join b alice", "leave a alice",
					"leave b alice", "dispose a", "dispose b");
			assertThat(server.rooms().members()).isZero();
			await().atMost(Duration.ofSeconds(10)).until(() -> session.attributes().isCleared());
			assertThat(session.attributes().get(NICK)).as("attribute after the session ended").isNull();
		}
	}

	@Test
	void aPersistentRoomIsKeptWhenItsLastMemberLeaves() {
		Recorder recorder = new Recorder();
		try (RoomServer server = RoomServer.start(SessionSettings.DEFAULTS, (rooms) -> joinOnOpen(rooms, recorder, "hub"))) {
			Room hub = server.rooms().create("hub", recorder);
			try (TestClient client = TestClient.connect(server.port())) {
				await().atMost(Duration.ofSeconds(10)).until(() -> hub.memberCount() == 1);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> this.events.contains("leave hub alice"));
			assertThat(hub.isDisposed()).isFalse();
			assertThat(server.rooms().find("hub")).containsSame(hub);
			hub.dispose();
			await().atMost(Duration.ofSeconds(10)).until(() -> server.rooms().size() == 0);
			assertThat(this.events).endsWith("dispose hub");
		}
	}

	@Test
	void aDrainTellsEveryRoomWhileItsMembersAreStillConnected() {
		List<Integer> openMembersWhenTold = new CopyOnWriteArrayList<>();
		RoomHandler logic = new RoomHandler() {

			@Override
			public void onDrain(Room room) {
				openMembersWhenTold.add((int) room.members().stream().filter(Session::isOpen).count());
			}

		};
		try (RoomServer server = RoomServer.start(SessionSettings.DEFAULTS, (rooms) -> joinOnOpen(rooms, logic, "match"));
				TestClient first = TestClient.connect(server.port()); TestClient second = TestClient.connect(server.port())) {
			await().atMost(Duration.ofSeconds(10)).until(() -> server.rooms().members() == 2);
			// A zero drain timeout closes the sessions straight after telling them: the rooms come first.
			server.server().drain(Duration.ZERO);
			assertThat(openMembersWhenTold).containsExactly(2);
			assertThat(first.isClosedByServer()).isTrue();
		}
	}

	private SessionHandler joinOnOpen(RoomRegistry rooms, RoomHandler logic, String... names) {
		return new SessionHandler() {

			@Override
			public void onOpen(Session session) {
				session.attributes().set(NICK, "alice");
				for (String name : names) {
					rooms.join(name, session, (room) -> logic);
				}
			}

			@Override
			public void onReceive(Session session, ByteBuf data) {
			}

		};
	}

	/** Records joins, leaves (with the nickname attribute seen at the time) and disposals. */
	private final class Recorder implements RoomHandler {

		@Override
		public void onJoin(Room room, Session session) {
			RoomMembershipTests.this.events.add("join " + room.name() + " " + session.attributes().get(NICK));
		}

		@Override
		public void onLeave(Room room, Session session) {
			RoomMembershipTests.this.events.add("leave " + room.name() + " " + session.attributes().get(NICK));
		}

		@Override
		public void onDispose(Room room) {
			RoomMembershipTests.this.events.add("dispose " + room.name());
		}

	}

}
