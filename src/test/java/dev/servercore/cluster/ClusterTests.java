package dev.servercore.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.servercore.app.ServerCoreApplication;
import dev.servercore.core.CloseReason;
import dev.servercore.core.DrainResult;
import dev.servercore.core.ServerCore;
import dev.servercore.core.Session;
import dev.servercore.core.SessionRegistry;
import dev.servercore.support.ActuatorClient;
import dev.servercore.support.LineClient;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import redis.embedded.RedisServer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Three servercore nodes (separate Spring contexts, the chat handler, line framing) against one real
 * {@code redis-server}: group and broadcast order, find and kick across nodes, duplicate login, a frozen node, a
 * Redis restart and a killed node; and the application with the cluster off, which never connects to Redis.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final Duration NODE_TIMEOUT = Duration.ofSeconds(4);

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

	private int redisPort;

	private RedisServer redis;

	private Node a;

	private Node b;

	private Node c;

	@BeforeAll
	void startRedisAndThreeNodes() throws IOException {
		this.redisPort = freePort();
		this.redis = new RedisServer(this.redisPort);
		this.redis.start();
		this.a = Node.start("a", this.redisPort, "close-old");
		this.b = Node.start("b", this.redisPort, "close-old");
		// Node c rejects a duplicate login instead of closing the older session.
		this.c = Node.start("c", this.redisPort, "reject-new");
		for (Node node : List.of(this.a, this.b, this.c)) {
			await().atMost(WAIT).until(() -> node.cluster().liveNodes().size() == 3);
		}
	}

	@AfterAll
	void stopEverything() throws IOException {
		for (Node node : new Node[] { this.a, this.b, this.c }) {
			if (node != null) {
				node.context().close();
			}
		}
		if (this.redis != null) {
			this.redis.stop();
		}
	}

	@Test
	@Order(1)
	void groupAndBroadcastMessagesReachEveryMemberOnEveryNodeOnceInEachPublishersOrder() {
		int lines = 100;
		List<LineClient> members = new ArrayList<>();
		try {
			for (Node node : List.of(this.a, this.b, this.c)) {
				LineClient member = node.connect();
				member.ask("/nick m" + node.name(), (line) -> line.equals("* you are m" + node.name()));
				member.ask("/join order", (line) -> line.startsWith("* m" + node.name() + " joined order"));
				members.add(member);
			}
			// Every node has a local member: the group is known cluster-wide once the joins are asserted.
			await().atMost(WAIT).until(() -> groupNodes("chat:order") == 3);
			for (int i = 0; i < lines; i++) {
				for (LineClient member : members) {
					member.send("n" + i);
				}
			}
			this.a.cluster().broadcast(Unpooled.copiedBuffer("everyone-1".getBytes()));
			this.a.cluster().broadcast(Unpooled.copiedBuffer("everyone-2".getBytes()));
			for (LineClient member : members) {
				Map<String, AtomicInteger> next = Map.of("ma", new AtomicInteger(), "mb", new AtomicInteger(), "mc",
						new AtomicInteger());
				int broadcasts = 0;
				while (next.values().stream().anyMatch((n) -> n.get() < lines) || broadcasts < 2) {
					String line = member.readLine();
					assertThat(line).as("a line before the end of stream").isNotNull();
					if (line.startsWith("everyone-")) {
						broadcasts++;
						assertThat(line).isEqualTo("everyone-" + broadcasts);
						continue;
					}
					int colon = line.indexOf(": n");
					if (colon < 0) {
						continue;
					}
					AtomicInteger expected = next.get(line.substring(0, colon));
					// Each publisher's lines arrive once, in the order it said them.
					assertThat(line.substring(colon + 3))
						.as("member %d, line %s, lost %d/%d/%d", members.indexOf(member), line,
								this.a.cluster().counters().lost(), this.b.cluster().counters().lost(),
								this.c.cluster().counters().lost())
						.isEqualTo(Integer.toString(expected.getAndIncrement()));
				}
			}
			assertThat(this.b.cluster().counters().received()).isGreaterThanOrEqualTo(2L * lines + 2);
			assertThat(this.a.cluster().counters().lost()).isZero();
			ClusterAnswer<List<Long>> inGroup = join(this.a.cluster().groupMembers("chat:order"));
			assertThat(inGroup.answers()).hasSize(3).allSatisfy((node, ids) -> assertThat(ids).hasSize(1));
			assertThat(inGroup.silent()).isEmpty();
			assertThat(this.a.actuator().servercoreSamples())
				.containsEntry("servercore_cluster_nodes_live_nodes", 3.0)
				.containsKey("servercore_cluster_messages_published_messages_total")
				.containsKey("servercore_cluster_messages_received_messages_total")
				.containsKey("servercore_cluster_messages_lost_messages_total")
				.containsKey("servercore_cluster_redis_reconnects_total")
				.containsKey("servercore_cluster_requests_timeouts_requests_total");
			assertThatThrownBy(() -> this.a.cluster().publish("big", Unpooled.wrappedBuffer(new byte[this.a.cluster().settings().maxMessageSize() + 1])))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("servercore.cluster.max-message-size");
		}
		finally {
			members.forEach(LineClient::close);
		}
	}

	@Test
	@Order(2)
	void findAndKickAnywhereAndADuplicateLoginClosesOneOfTheTwo() {
		try (LineClient x = this.a.connect(); LineClient y = this.a.connect(); LineClient z = this.b.connect();
				LineClient w = this.c.connect(); LineClient carolA = this.a.connect();
				LineClient carolB = this.b.connect()) {
			Session onA = this.a.newest(x, 2);
			assertThat(join(this.a.cluster().bind(onA, "player:42"))).isEqualTo(BindResult.BOUND);
			assertThat(join(this.b.cluster().find("player:42")))
				.contains(new PlayerLocation("player:42", this.a.cluster().nodeId(), onA.id()));
			HttpResponse<String> found = this.b.actuator().get("/actuator/cluster/players/player:42");
			assertThat(found.statusCode()).isEqualTo(200);
			assertThat(found.body()).contains("\"node\":\"" + this.a.cluster().nodeId() + "\"");

			// Kicked from node b's endpoint; the session is on node a.
			HttpResponse<String> kicked = this.b.actuator().delete("/actuator/cluster/players/player:42");
			assertThat(kicked.statusCode()).isEqualTo(200);
			assertThat(kicked.body()).contains("\"found\":true", "\"closed\":true");
			readToEnd(x);
			await().atMost(WAIT).until(() -> onA.closeReason() == CloseReason.KICKED);
			await().atMost(WAIT).until(() -> this.b.actuator().status("/actuator/cluster/players/player:42") == 404);

			// Duplicate login: the older session (node a) is closed when node b binds the key.
			Session older = this.a.newest(y, 1);
			assertThat(join(this.a.cluster().bind(older, "player:7"))).isEqualTo(BindResult.BOUND);
			Session newer = this.b.newest(z, 1);
			assertThat(join(this.b.cluster().bind(newer, "player:7"))).isEqualTo(BindResult.REPLACED);
			await().atMost(WAIT).until(() -> older.closeReason() == CloseReason.DUPLICATE_LOGIN);
			assertThat(newer.isOpen()).isTrue();
			// Node c's policy rejects the new login instead.
			Session rejected = this.c.newest(w, 0);
			assertThat(join(this.c.cluster().bind(rejected, "player:7"))).isEqualTo(BindResult.REJECTED);
			assertThat(rejected.closeReason()).isEqualTo(CloseReason.DUPLICATE_LOGIN);
			assertThat(newer.isOpen()).isTrue();
			assertThat(join(this.a.cluster().find("player:7")).orElseThrow().node()).isEqualTo(this.b.cluster().nodeId());

			// Nicknames are unique cluster-wide.
			carolA.ask("/nick carol", (line) -> line.equals("* you are carol"));
			carolB.ask("/nick carol", (line) -> line.equals("error: name taken: carol"));

			HttpResponse<String> nodes = this.c.actuator().get("/actuator/cluster");
			assertThat(nodes.statusCode()).isEqualTo(200);
			assertThat(nodes.body()).contains(this.a.cluster().nodeId(), this.b.cluster().nodeId(),
					this.c.cluster().nodeId(), "\"silent\":[]", "\"redisConnected\":true");
		}
	}

	@Test
	@Order(3)
	void aQueryWithAFrozenNodeAnswersInPartNamingItWithinTheTimeout() {
		this.c.cluster().pauseReading(true);
		try {
			long started = System.nanoTime();
			ClusterAnswer<Integer> counts = join(this.a.cluster().sessionCounts());
			long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			assertThat(counts.silent()).containsExactly(this.c.cluster().nodeId());
			assertThat(counts.answers()).containsOnlyKeys(this.a.cluster().nodeId(), this.b.cluster().nodeId());
			assertThat(tookMillis).isBetween(REQUEST_TIMEOUT.toMillis() - 50, REQUEST_TIMEOUT.toMillis() + 1500);
			assertThat(this.a.cluster().counters().requestTimeouts()).isPositive();
			assertThat(this.a.actuator().get("/actuator/cluster").body())
				.contains("\"silent\":[\"" + this.c.cluster().nodeId() + "\"]");
		}
		finally {
			this.c.cluster().pauseReading(false);
		}
		await().atMost(WAIT).until(() -> join(this.a.cluster().sessionCounts()).complete());
	}

	@Test
	@Order(4)
	void aRedisRestartNeverStopsLocalPlayAndTheNodesRecoverOnTheirOwn() throws IOException {
		try (LineClient a1 = this.a.connect(); LineClient a2 = this.a.connect(); LineClient b1 = this.b.connect()) {
			a1.ask("/join outage", (line) -> line.startsWith("* guest"));
			a2.ask("/join outage", (line) -> line.startsWith("* guest"));
			b1.ask("/join outage", (line) -> line.startsWith("* guest"));
			Session bound = this.a.newest(a1, 1);
			assertThat(join(this.a.cluster().bind(bound, "player:99"))).isEqualTo(BindResult.BOUND);
			await().atMost(WAIT).until(() -> groupNodes("chat:outage") == 2);
			long lostBefore = this.a.cluster().counters().lost();

			this.redis.stop();
			await().atMost(WAIT).until(() -> !this.a.cluster().isConnected() && !this.b.cluster().isConnected());
			// Local play goes on: a line said on node a reaches the other member on node a.
			a1.send("during the outage");
			assertThat(a2.readUntil((line) -> line.contains(": during"))).endsWith("during the outage");
			// The publish toward the other node could not leave this one: counted as lost (just after the local delivery).
			await().atMost(WAIT).until(() -> this.a.cluster().counters().lost() > lostBefore);
			assertThatThrownBy(() -> join(this.a.cluster().find("player:99")))
				.hasCauseInstanceOf(ClusterUnavailableException.class);
			// Neither probe fails; the cluster member says what is wrong.
			HttpResponse<String> liveness = this.a.actuator().get("/actuator/health/liveness");
			assertThat(liveness.statusCode()).as(liveness.body()).isEqualTo(200);
			HttpResponse<String> readiness = this.a.actuator().get("/actuator/health/readiness");
			assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
			assertThat(this.a.actuator().get("/actuator/health").body()).contains("\"redis\":\"unreachable\"");

			long restarted = System.nanoTime();
			this.redis = new RedisServer(this.redisPort);
			this.redis.start();
			for (Node node : List.of(this.a, this.b, this.c)) {
				await().atMost(WAIT).until(() -> node.cluster().isConnected() && node.cluster().liveNodes().size() == 3);
			}
			await().atMost(WAIT).until(() -> groupNodes("chat:outage") == 2);
			System.out.println("Cluster recovered " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted)
					+ " ms after redis-server started again");
			// Re-asserted from the node's own sessions: the binding and the group.
			assertThat(join(this.b.cluster().find("player:99")).orElseThrow().node()).isEqualTo(this.a.cluster().nodeId());
			for (int i = 0; i < 50; i++) {
				b1.send("after " + i);
			}
			for (int i = 0; i < 50; i++) {
				int expected = i;
				assertThat(a2.readUntil((line) -> line.contains(": after "))).endsWith("after " + expected);
			}
			assertThat(this.a.cluster().counters().reconnects()).isPositive();
		}
	}

	@Test
	@Order(5)
	void aKilledNodeLeavesTheMembershipWithinTheNodeTimeoutAndItsBindingsGo() {
		try (LineClient w = this.c.connect()) {
			Session onC = this.c.newest(w, 0);
			assertThat(join(this.c.cluster().bind(onC, "player:5"))).isEqualTo(BindResult.BOUND);
			assertThat(join(this.a.cluster().find("player:5"))).isPresent();
			this.c.cluster().halt();
			long killed = System.nanoTime();
			await().atMost(NODE_TIMEOUT.multipliedBy(3))
				.until(() -> !this.a.cluster().liveNodes().containsKey(this.c.cluster().nodeId())
						&& !this.b.cluster().liveNodes().containsKey(this.c.cluster().nodeId()));
			System.out.println("Killed node left the membership after "
					+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed) + " ms");
			assertThat(join(this.a.cluster().find("player:5"))).isEmpty();
		}
	}

	@Test
	@Order(6)
	void aDrainingNodeLeavesTheDirectoryBeforeItsSessionsClose() {
		LineClient v = this.b.connect();
		Session onB = this.b.newest(v, 0);
		assertThat(join(this.b.cluster().bind(onB, "player:8"))).isEqualTo(BindResult.BOUND);
		CompletableFuture<DrainResult> drain = CompletableFuture
			.supplyAsync(() -> this.b.context().getBean(ServerCore.class).drain(Duration.ofSeconds(20)));
		// While its session is still open (the drain waits for it), node b is gone from the directory.
		await().atMost(WAIT).until(() -> join(this.a.cluster().find("player:8")).isEmpty());
		assertThat(onB.isOpen()).isTrue();
		await().atMost(WAIT).until(() -> !this.a.cluster().liveNodes().containsKey(this.b.cluster().nodeId()));
		assertThat(onB.isOpen()).isTrue();
		v.close();
		assertThat(drain.orTimeout(20, TimeUnit.SECONDS).join().closedByServer()).isZero();
	}

	@Test
	@Order(7)
	void withTheClusterOffNothingConnectsToRedis() throws IOException {
		try (ServerSocket fakeRedis = new ServerSocket(0)) {
			fakeRedis.setSoTimeout(300);
			ConfigurableApplicationContext context = new SpringApplicationBuilder(ServerCoreApplication.class)
				.run("--servercore.port=0", "--server.port=0", "--spring.data.redis.port=" + fakeRedis.getLocalPort());
			try {
				assertThat(context.getBeanNamesForType(Cluster.class)).isEmpty();
				ActuatorClient actuator = new ActuatorClient(
						context.getEnvironment().getProperty("local.server.port", Integer.class));
				HttpResponse<String> health = actuator.get("/actuator/health");
				assertThat(health.statusCode()).isEqualTo(200);
				assertThat(health.body()).doesNotContain("\"cluster\"", "\"redis\"");
				assertThatThrownBy(() -> fakeRedis.accept().close()).isInstanceOf(java.net.SocketTimeoutException.class);
			}
			finally {
				context.close();
			}
		}
	}

	private static void readToEnd(LineClient client) {
		while (client.readLine() != null) {
			// The kicked session's last lines, then the end of stream.
		}
	}

	private long groupNodes(String group) {
		return join(this.a.cluster().groupMembers(group)).answers().values().stream().filter((ids) -> !ids.isEmpty()).count();
	}

	private static <T> T join(CompletionStage<T> stage) {
		return stage.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/** One servercore node: its context, its ports and its beans. */
	private record Node(String name, ConfigurableApplicationContext context) {

		static Node start(String name, int redisPort, String duplicateLogin) {
			ConfigurableApplicationContext context = new SpringApplicationBuilder(ServerCoreApplication.class).run(
					"--servercore.port=0", "--server.port=0", "--servercore.handler=chat", "--servercore.framing=line",
					"--servercore.cluster.enabled=true", "--servercore.cluster.node-id=" + name,
					"--servercore.cluster.node-timeout=" + NODE_TIMEOUT.toMillis() + "ms",
					"--servercore.cluster.request-timeout=" + REQUEST_TIMEOUT.toMillis() + "ms",
					"--servercore.cluster.duplicate-login=" + duplicateLogin,
					"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redisPort,
					// Generous: on a loaded machine a command timing out counts its publish as lost though Redis ran it.
					"--spring.data.redis.timeout=10s",
					"--management.endpoints.web.exposure.include=health,prometheus,cluster");
			return new Node(name, context);
		}

		Cluster cluster() {
			return this.context.getBean(Cluster.class);
		}

		ActuatorClient actuator() {
			return new ActuatorClient(this.context.getEnvironment().getProperty("local.server.port", Integer.class));
		}

		LineClient connect() {
			LineClient client = LineClient.connect(
					this.context.getEnvironment().getProperty("local.servercore.port", Integer.class));
			client.readUntil((line) -> line.startsWith("* welcome"));
			return client;
		}

		/**
		 * The session of a client that just connected: the newest session of the node, found after the client
		 * got its welcome. {@code skip} newer sessions are passed over.
		 */
		Session newest(LineClient client, int skip) {
			List<Session> open = this.context.getBean(SessionRegistry.class).snapshot();
			return open.get(open.size() - 1 - skip);
		}

	}

}
