package dev.servercore.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import dev.servercore.core.CloseReason;
import dev.servercore.core.Session;
import dev.servercore.core.SessionAttribute;
import dev.servercore.core.SessionListener;
import dev.servercore.core.SessionRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.stream.ByteBufferRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;

/**
 * This node's membership of a servercore cluster over Redis: cluster-wide broadcast and groups, a directory of
 * bound application keys (find, kick, duplicate login) and cluster-wide queries that answer in part when a node
 * is silent.
 *
 * <pre>
 * cluster.join("guild:7", session);                      // this node now receives guild:7's messages
 * cluster.publish("guild:7", payload);                   // every member on every node, once, in this order
 * cluster.bind(session, "player:42");                    // an older login anywhere closes with DUPLICATE_LOGIN
 * cluster.kick("player:42", CloseReason.KICKED);         // wherever it is
 * cluster.sessionCounts();                               // partial answer: counts by node, and the silent nodes
 * </pre>
 *
 * <p><b>Transport.</b> Each node has an inbox, a Redis stream it reads with a blocking XREAD from the last entry
 * it read. A publish runs one Lua script that appends the message to the inbox of every other live node with
 * members of the group (all live nodes for a broadcast); local members get it at once, without Redis. After a
 * Redis connection loss the node reads on from where it stopped: nothing retained is lost. Entries trimmed away
 * (more than {@code inbox-length} behind) show as a jump in the inbox's sequence numbers and are counted as lost.
 *
 * <p><b>Outage.</b> Nothing local waits for Redis. While Redis is unreachable, cluster calls fail at once with
 * {@link ClusterUnavailableException} (publishes are counted as lost) and queries answer with this node alone;
 * the heartbeat keeps trying, and once Redis is back and had forgotten this node (a restart, or the survivors
 * cleaned it up after {@code node-timeout}) the node registers again and re-asserts its groups and bindings from
 * its own sessions.
 */
public final class Cluster implements SessionListener {

	/** The most local members {@link #groupMembers} reports per node. */
	public static final int MEMBERS_LIMIT = 1000;

	/** The most cluster requests this node may have waiting for answers. */
	public static final int MAX_PENDING_REQUESTS = 10_000;

	/** The longest group name or key. */
	public static final int MAX_NAME_LENGTH = 200;

	private static final Logger logger = LoggerFactory.getLogger(Cluster.class);

	private static final SessionAttribute<Set<String>> GROUPS = SessionAttribute.named("servercore.cluster.groups");

	private static final SessionAttribute<Set<String>> KEYS = SessionAttribute.named("servercore.cluster.keys");

	// How long one blocking read of the inbox waits; also how fast a paused or stopped reader notices.
	private static final Duration READ_BLOCK = Duration.ofMillis(500);

	private static final int READ_BATCH = 256;

	private static final Duration RETRY_DELAY = Duration.ofMillis(200);

	// How often the heartbeat is tried while Redis is unreachable.
	private static final Duration OUTAGE_HEARTBEAT_INTERVAL = Duration.ofMillis(250);

	private final ClusterSettings settings;

	private final ReactiveRedisConnectionFactory factory;

	private final SessionRegistry sessions;

	private final String prefix;

	private final ByteBuffer prefixArg;

	private final ByteBuffer nodeArg;

	private final ByteBuffer inboxKey;

	private final ClusterCounters counters = new ClusterCounters();

	private volatile ScheduledExecutorService scheduler;

	// Local group members, by group; a group is in the map while it has a local member.
	private final ConcurrentMap<String, Set<Session>> groups = new ConcurrentHashMap<>();

	// Keys bound to local sessions.
	private final ConcurrentMap<String, Session> bindings = new ConcurrentHashMap<>();

	private final ConcurrentMap<Long, PendingRequest<?>> requests = new ConcurrentHashMap<>();

	private final AtomicLong requestIds = new AtomicLong();

	private final AtomicLong outboundBytes = new AtomicLong();

	// Leaves and unbinds that failed (Redis unreachable), retried when Redis is back: "group" or "key|sessionId".
	private final Set<String> failedLeaves = ConcurrentHashMap.newKeySet();

	private final Set<String> failedUnbinds = ConcurrentHashMap.newKeySet();

	private ReactiveRedisConnection commands;

	private ReactiveRedisConnection reader;

	private volatile boolean running;

	private volatile boolean leaving;

	private volatile boolean linkUp;

	private volatile boolean everUp;

	private volatile boolean readerPaused;

	private volatile Map<String, NodeInfo> liveNodes = Map.of();

	private volatile Instant lastHeartbeat;

	private volatile Disposable reading;

	// Reader state, touched by the one read in flight only.
	private String lastId = "0-0";

	private long lastSeq;

	/**
	 * Creates the node; {@link #start()} joins the cluster.
	 * @param settings the node's settings
	 * @param factory Boot's Redis connection factory
	 * @param sessions this node's sessions
	 */
	public Cluster(ClusterSettings settings, ReactiveRedisConnectionFactory factory, SessionRegistry sessions) {
		this.settings = Objects.requireNonNull(settings, "settings");
		this.factory = Objects.requireNonNull(factory, "factory");
		this.sessions = Objects.requireNonNull(sessions, "sessions");
		this.prefix = "{" + settings.name() + "}:";
		this.prefixArg = bytes(this.prefix);
		this.nodeArg = bytes(settings.nodeId());
		this.inboxKey = bytes(this.prefix + "inbox:" + settings.nodeId());
	}

	/**
	 * Joins the cluster: starts the heartbeat and the inbox reader. Returns at once; Redis need not be reachable.
	 */
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "servercore-cluster");
			thread.setDaemon(true);
			return thread;
		});
		this.running = true;
		this.leaving = false;
		this.commands = this.factory.getReactiveConnection();
		this.reader = this.factory.getReactiveConnection();
		this.sessions.addListener(this);
		this.scheduler.execute(this::heartbeat);
		read();
		logger.info("Cluster node {} started (cluster '{}', node timeout {})", this.settings.nodeId(),
				this.settings.name(), this.settings.nodeTimeout());
	}

	/**
	 * Leaves the cluster (its directory entries go at once) and stops. Local sessions are not closed.
	 */
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		if (!this.leaving) {
			// Not left yet (no drain ran): leave now, for at most the request timeout.
			leave().toCompletableFuture()
				.completeOnTimeout(null, this.settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
				.join();
		}
		halt();
	}

	/**
	 * Stops heartbeating and reading without leaving the cluster, as a node that dies would: the others clean up
	 * after it once its node timeout passed.
	 */
	synchronized void halt() {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.sessions.removeListener(this);
		Disposable current = this.reading;
		if (current != null) {
			current.dispose();
		}
		this.scheduler.shutdownNow();
		this.requests.values().forEach(PendingRequest::expire);
		close(this.commands);
		close(this.reader);
		this.linkUp = false;
	}

	private static void close(ReactiveRedisConnection connection) {
		try {
			connection.closeLater().subscribe(null, (ex) -> logger.debug("Closing a Redis connection failed", ex));
		}
		catch (RuntimeException ex) {
			logger.debug("Closing a Redis connection failed", ex);
		}
	}

	/**
	 * Leaves the cluster directory: this node, its bindings and its group memberships disappear for the others.
	 * Called when the server starts draining, before the sessions are closed.
	 * @return completed once Redis confirmed, or with the error
	 */
	public CompletionStage<Void> leave() {
		this.leaving = true;
		return RedisScripts.DEREGISTER.run(this.commands, ReturnType.INTEGER, this.prefixArg, this.nodeArg)
			.timeout(this.settings.requestTimeout())
			.then()
			.toFuture()
			.exceptionally((ex) -> {
				logger.warn("Node {} could not leave the cluster directory; the others will drop it after {}",
						this.settings.nodeId(), this.settings.nodeTimeout());
				return null;
			});
	}

	@Override
	public CompletionStage<?> onDrain() {
		return leave();
	}

	// ---- groups and broadcast ----

	/**
	 * Makes a session a member of a group: from now on it receives the group's messages, from every node. It
	 * leaves on its own when it closes.
	 * @param group the group's name
	 * @param session a local session
	 * @return completed once the cluster knows this node has members of the group; exceptionally with
	 * {@link ClusterUnavailableException} if Redis is unreachable (the session is a member locally all the same, and
	 * the node re-asserts the group when Redis is back)
	 */
	public CompletionStage<Void> join(String group, Session session) {
		checkName(group, "group");
		Objects.requireNonNull(session, "session");
		session.attributes().computeIfAbsent(GROUPS, ConcurrentHashMap::newKeySet).add(group);
		CompletableFuture<Void> known = new CompletableFuture<>();
		this.groups.compute(group, (name, members) -> {
			Set<Session> current = (members != null) ? members : ConcurrentHashMap.newKeySet();
			current.add(session);
			if (members == null) {
				// The first local member: subscribe, in order with the leave of a previous last member.
				script(RedisScripts.JOIN, bytes(name)).subscribe(null, known::completeExceptionally,
						() -> known.complete(null));
			}
			else {
				known.complete(null);
			}
			return current;
		});
		if (!session.isOpen()) {
			leave(group, session);
		}
		return known;
	}

	/**
	 * Removes a session from a group.
	 * @param group the group's name
	 * @param session the session
	 */
	public void leave(String group, Session session) {
		Set<String> in = session.attributes().get(GROUPS);
		if (in != null) {
			in.remove(group);
		}
		this.groups.computeIfPresent(group, (name, members) -> {
			members.remove(session);
			if (!members.isEmpty()) {
				return members;
			}
			script(RedisScripts.LEAVE, bytes(name)).subscribe(null, (ex) -> {
				logger.debug("Leaving group {} failed; retried when Redis is back", name, ex);
				this.failedLeaves.add(name);
			});
			return null;
		});
	}

	/**
	 * Returns the local members of a group.
	 * @param group the group's name
	 * @return the sessions of this node in the group
	 */
	public Set<Session> localMembers(String group) {
		Set<Session> members = this.groups.get(group);
		return (members != null) ? Set.copyOf(members) : Set.of();
	}

	/**
	 * Sends a payload to every member of a group on every node, once each. Local members get it at once; the
	 * other nodes with members get it through their inboxes, in the order this thread published.
	 * @param group the group's name
	 * @param payload the bytes (one packet payload with length-prefixed framing); ownership passes to the cluster
	 * @return completed with the number of other nodes it was sent to; exceptionally with
	 * {@link ClusterUnavailableException} if it could not leave this node (counted as lost; local members got it)
	 * @throws IllegalArgumentException if the payload is larger than {@code servercore.cluster.max-message-size}
	 */
	public CompletionStage<Integer> publish(String group, ByteBuf payload) {
		checkName(group, "group");
		byte[] data = take(payload);
		deliver(group, data);
		return send("g", group, "g", "0", data);
	}

	/**
	 * Sends a payload to every session of every node.
	 * @param payload the bytes; ownership passes to the cluster
	 * @return as for {@link #publish}
	 */
	public CompletionStage<Integer> broadcast(ByteBuf payload) {
		byte[] data = take(payload);
		this.sessions.broadcast(Unpooled.wrappedBuffer(data));
		return send("a", "", "b", "0", data);
	}

	private byte[] take(ByteBuf payload) {
		Objects.requireNonNull(payload, "payload");
		try {
			if (payload.readableBytes() > this.settings.maxMessageSize()) {
				throw new IllegalArgumentException("A cluster message of " + payload.readableBytes()
						+ " bytes exceeds servercore.cluster.max-message-size (" + this.settings.maxMessageSize()
						+ " bytes)");
			}
			return ByteBufUtil.getBytes(payload);
		}
		finally {
			payload.release();
		}
	}

	private void deliver(String group, byte[] data) {
		Set<Session> members = this.groups.get(group);
		if (members == null || members.isEmpty()) {
			return;
		}
		ByteBuf shared = Unpooled.wrappedBuffer(data);
		try {
			for (Session member : members) {
				member.send(shared.retainedDuplicate());
			}
		}
		finally {
			shared.release();
		}
	}

	private CompletionStage<Integer> send(String mode, String name, String kind, String request, byte[] data) {
		if (!this.linkUp) {
			this.counters.lost.increment();
			return CompletableFuture.failedFuture(unavailable(null));
		}
		long held = this.outboundBytes.addAndGet(data.length);
		if (held > this.settings.outboundBuffer()) {
			this.outboundBytes.addAndGet(-data.length);
			this.counters.lost.increment();
			return CompletableFuture.failedFuture(new ClusterUnavailableException("Node " + this.settings.nodeId()
					+ ": the outbound buffer toward Redis is full (servercore.cluster.outbound-buffer = "
					+ this.settings.outboundBuffer() + " bytes); Redis is too slow or unreachable"));
		}
		return RedisScripts.SEND
			.run(this.commands, ReturnType.INTEGER, this.prefixArg, this.nodeArg, bytes(mode), bytes(name),
					bytes(Integer.toString(this.settings.inboxLength())), bytes(kind), bytes(request),
					ByteBuffer.wrap(data))
			.next()
			.map((sent) -> ((Number) sent).intValue())
			.doOnNext((sent) -> {
				this.counters.published.add(sent);
				this.counters.bytesPublished.add((long) sent * data.length);
			})
			.doOnError((ex) -> this.counters.lost.increment())
			.doFinally((signal) -> this.outboundBytes.addAndGet(-data.length))
			.onErrorMap((ex) -> !(ex instanceof ClusterUnavailableException), this::unavailable)
			.toFuture();
	}

	// ---- directory ----

	/**
	 * Binds an application key (a player or account id) to a local session, for {@link #find} and {@link #kick}.
	 * If another open session holds the key, on any node, the duplicate login policy decides which one is closed
	 * with {@link CloseReason#DUPLICATE_LOGIN}. The binding goes when the session closes or its node dies.
	 * @param session a local session
	 * @param key the key, for example {@code player:42}
	 * @return completed with the outcome; exceptionally with {@link ClusterUnavailableException}
	 */
	public CompletionStage<BindResult> bind(Session session, String key) {
		String policy = (this.settings.duplicateLogin() == DuplicateLoginPolicy.CLOSE_OLD) ? "close-old" : "reject-new";
		return bind(session, key, policy).thenApply((answer) -> {
			switch (answer.outcome()) {
				case "held" -> {
					session.close(CloseReason.DUPLICATE_LOGIN);
					return BindResult.REJECTED;
				}
				case "replaced" -> {
					return BindResult.REPLACED;
				}
				default -> {
					return BindResult.BOUND;
				}
			}
		});
	}

	/**
	 * Takes a key for a local session only if no other open session holds it (a unique name, for example), closing
	 * no one.
	 * @param session a local session
	 * @param key the key
	 * @return completed with {@code true} if the session holds the key now, {@code false} if another does
	 */
	public CompletionStage<Boolean> claim(Session session, String key) {
		return bind(session, key, "claim").thenApply((answer) -> !"held".equals(answer.outcome()));
	}

	private CompletionStage<BindAnswer> bind(Session session, String key, String policy) {
		checkName(key, "key");
		Objects.requireNonNull(session, "session");
		if (!this.linkUp) {
			return CompletableFuture.failedFuture(unavailable(null));
		}
		return script(RedisScripts.BIND, bytes(key), bytes(Long.toString(session.id())), bytes(policy),
				bytes(Integer.toString(this.settings.inboxLength())))
			.next()
			.map((value) -> BindAnswer.parse(string(value)))
			.map((answer) -> {
				if (!"held".equals(answer.outcome())) {
					boundLocally(session, key);
					if ("replaced".equals(answer.outcome()) && answer.node().equals(this.settings.nodeId())) {
						closeLocal(key, answer.sessionId(), CloseReason.DUPLICATE_LOGIN, session);
					}
				}
				return answer;
			})
			.onErrorMap(this::unavailable)
			.toFuture();
	}

	private void boundLocally(Session session, String key) {
		session.attributes().computeIfAbsent(KEYS, ConcurrentHashMap::newKeySet).add(key);
		this.bindings.put(key, session);
		if (!session.isOpen()) {
			unbind(session, key);
		}
	}

	/**
	 * Removes a binding of a local session.
	 * @param session the session
	 * @param key the key
	 */
	public void unbind(Session session, String key) {
		Set<String> keys = session.attributes().get(KEYS);
		if (keys != null) {
			keys.remove(key);
		}
		this.bindings.remove(key, session);
		unbind(key, session.id());
	}

	private void unbind(String key, long sessionId) {
		script(RedisScripts.UNBIND, bytes(key), bytes(Long.toString(sessionId))).subscribe(null, (ex) -> {
			logger.debug("Unbinding {} failed; retried when Redis is back", key, ex);
			this.failedUnbinds.add(key + "|" + sessionId);
		});
	}

	/**
	 * Finds which node and session hold a key.
	 * @param key the key
	 * @return completed with the location, empty if no session of a live node holds it; exceptionally with
	 * {@link ClusterUnavailableException}
	 */
	public CompletionStage<Optional<PlayerLocation>> find(String key) {
		checkName(key, "key");
		if (!this.linkUp) {
			return CompletableFuture.failedFuture(unavailable(null));
		}
		return RedisScripts.FIND.run(this.commands, ReturnType.VALUE, this.prefixArg, bytes(key))
			.next()
			.map((value) -> {
				BindAnswer answer = BindAnswer.parse("at\t" + string(value));
				return Optional.of(new PlayerLocation(key, answer.node(), answer.sessionId()));
			})
			.defaultIfEmpty(Optional.empty())
			.timeout(this.settings.requestTimeout())
			.onErrorMap(this::unavailable)
			.toFuture();
	}

	/**
	 * Closes the session that holds a key, wherever it is.
	 * @param key the key
	 * @param reason the close reason, {@link CloseReason#KICKED} for an operator's kick
	 * @return completed with what happened; a node that does not answer within the request timeout gives
	 * {@code closed=false}
	 */
	public CompletionStage<KickResult> kick(String key, CloseReason reason) {
		Objects.requireNonNull(reason, "reason");
		if (!reason.isForApplications()) {
			throw new IllegalArgumentException(reason + " is a close reason only the server gives");
		}
		return find(key).thenCompose((location) -> {
			if (location.isEmpty()) {
				return CompletableFuture.completedFuture(KickResult.notFound(key));
			}
			PlayerLocation at = location.get();
			if (at.node().equals(this.settings.nodeId())) {
				boolean closed = closeLocal(key, at.sessionId(), reason, null);
				return CompletableFuture.completedFuture(new KickResult(key, true, closed, at.node(), at.sessionId()));
			}
			return this.<Boolean>ask("kick", key + "\t" + at.sessionId() + "\t" + reason.name(), List.of(at.node()),
					null, "1"::equals)
				.thenApply((answer) -> new KickResult(key, true, Boolean.TRUE.equals(answer.answers().get(at.node())),
						at.node(), at.sessionId()));
		});
	}

	private boolean closeLocal(String key, long sessionId, CloseReason reason, Session keep) {
		Session session = this.bindings.get(key);
		Session target = (session != null && session.id() == sessionId) ? session
				: this.sessions.find(sessionId).orElse(null);
		if (target == null || target == keep || !target.isOpen()) {
			return false;
		}
		this.bindings.remove(key, target);
		target.close(reason);
		return true;
	}

	// ---- queries ----

	/**
	 * Asks every live node for its session count.
	 * @return completed within the request timeout with the counts of the nodes that answered and the silent ones
	 */
	public CompletionStage<ClusterAnswer<Integer>> sessionCounts() {
		return ask("sessions", "", otherLiveNodes(), this.sessions.size(), Integer::valueOf);
	}

	/**
	 * Asks every node with members of a group for their session ids (at most {@value #MEMBERS_LIMIT} per node).
	 * @param group the group's name
	 * @return completed within the request timeout with the members by node and the silent nodes
	 */
	public CompletionStage<ClusterAnswer<List<Long>>> groupMembers(String group) {
		checkName(group, "group");
		return ask("members", group, otherLiveNodes(), localMemberIds(group), Cluster::parseIds);
	}

	private List<Long> localMemberIds(String group) {
		return localMembers(group).stream().map(Session::id).sorted().limit(MEMBERS_LIMIT).toList();
	}

	private static List<Long> parseIds(String text) {
		if (text.isEmpty()) {
			return List.of();
		}
		List<Long> ids = new ArrayList<>();
		for (String id : text.split(",")) {
			ids.add(Long.valueOf(id));
		}
		return List.copyOf(ids);
	}

	private List<String> otherLiveNodes() {
		List<String> others = new ArrayList<>(this.liveNodes.keySet());
		others.remove(this.settings.nodeId());
		return others;
	}

	/**
	 * Sends a question to some nodes and gathers their answers until all answered or the request timeout passed.
	 * This node answers {@code local} itself, unless it is {@code null} (a question for other nodes only).
	 */
	private <T> CompletionStage<ClusterAnswer<T>> ask(String query, String args, List<String> nodes, T local,
			Function<String, T> parse) {
		PendingRequest<T> request = new PendingRequest<>(nodes, parse);
		if (local != null) {
			request.answers.put(this.settings.nodeId(), local);
		}
		if (nodes.isEmpty()) {
			return CompletableFuture.completedFuture(request.answer());
		}
		if (!this.linkUp || this.requests.size() >= MAX_PENDING_REQUESTS) {
			return CompletableFuture.completedFuture(request.answer());
		}
		long id = this.requestIds.incrementAndGet();
		this.requests.put(id, request);
		request.result.whenComplete((answer, ex) -> this.requests.remove(id));
		this.scheduler.schedule(() -> {
			if (!request.result.isDone()) {
				this.counters.requestTimeouts.increment();
				request.expire();
			}
		}, this.settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
		byte[] data = args.getBytes(StandardCharsets.UTF_8);
		for (String node : nodes) {
			RedisScripts.SEND
				.run(this.commands, ReturnType.INTEGER, this.prefixArg, this.nodeArg, bytes("n"), bytes(node),
						bytes(Integer.toString(this.settings.inboxLength())), bytes("q:" + query),
						bytes(Long.toString(id)), ByteBuffer.wrap(data))
				.subscribe(null, (ex) -> logger.debug("Asking node {} failed", node, ex));
		}
		return request.result;
	}

	private void answer(String from, String request, String query, String args) {
		String answer = switch (query) {
			case "q:sessions" -> Integer.toString(this.sessions.size());
			case "q:members" -> String.join(",", localMemberIds(args).stream().map(String::valueOf).toList());
			case "q:kick" -> {
				String[] parts = args.split("\t");
				yield closeLocal(parts[0], Long.parseLong(parts[1]), CloseReason.valueOf(parts[2]), null) ? "1" : "0";
			}
			default -> null;
		};
		if (answer == null) {
			return;
		}
		RedisScripts.SEND
			.run(this.commands, ReturnType.INTEGER, this.prefixArg, this.nodeArg, bytes("n"), bytes(from),
					bytes(Integer.toString(this.settings.inboxLength())), bytes("a"), bytes(request),
					bytes(answer))
			.subscribe(null, (ex) -> logger.debug("Answering node {} failed", from, ex));
	}

	// ---- heartbeat ----

	private void heartbeat() {
		if (!this.running) {
			return;
		}
		if (this.leaving) {
			scheduleHeartbeat();
			return;
		}
		String info = this.sessions.size() + "," + System.currentTimeMillis();
		script(RedisScripts.HEARTBEAT, bytes(Long.toString(this.settings.nodeTimeout().toMillis())),
				bytes(Long.toString(System.currentTimeMillis())), bytes(info))
			.next()
			// A heartbeat slower than the node timeout is as good as none: the others think this node dead.
			.timeout(this.settings.nodeTimeout())
			.subscribe(this::heartbeatAnswered, this::heartbeatFailed, this::scheduleHeartbeat);
	}

	private void scheduleHeartbeat() {
		if (this.running) {
			// Without Redis, try again sooner than the interval: recovery waits for the next heartbeat.
			long delay = this.linkUp ? this.settings.heartbeatInterval().toMillis()
					: Math.min(this.settings.heartbeatInterval().toMillis(), OUTAGE_HEARTBEAT_INTERVAL.toMillis());
			try {
				this.scheduler.schedule(this::heartbeat, delay, TimeUnit.MILLISECONDS);
			}
			catch (java.util.concurrent.RejectedExecutionException ex) {
				// Stopped meanwhile.
			}
		}
	}

	private void heartbeatAnswered(Object value) {
		String[] lines = string(value).split("\n");
		Map<String, NodeInfo> live = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			String[] parts = lines[i].split("\t", 2);
			String[] info = (parts.length > 1) ? parts[1].split(",") : new String[0];
			live.put(parts[0], new NodeInfo(parts[0], (info.length > 0) ? Integer.parseInt(info[0]) : 0,
					Instant.ofEpochMilli((info.length > 1) ? Long.parseLong(info[1]) : 0)));
		}
		this.liveNodes = Map.copyOf(live);
		this.lastHeartbeat = Instant.now();
		boolean wasUp = this.linkUp;
		this.linkUp = true;
		if (!wasUp) {
			if (this.everUp) {
				this.counters.reconnects.increment();
				logger.info("Node {}: Redis is reachable again", this.settings.nodeId());
			}
			this.everUp = true;
		}
		if (("0".equals(lines[0]) || !wasUp) && !this.leaving) {
			reassert();
		}
	}

	private void heartbeatFailed(Throwable ex) {
		if (this.linkUp) {
			logger.warn("Node {}: Redis is unreachable ({}); local play goes on, cluster calls fail fast",
					this.settings.nodeId(), ex.toString());
		}
		this.linkUp = false;
		scheduleHeartbeat();
	}

	/**
	 * Redis is reachable again, or does not know this node (any more): tell it again about its groups and
	 * bindings, and retry the leaves and unbinds that failed meanwhile.
	 */
	private void reassert() {
		for (String group : List.copyOf(this.failedLeaves)) {
			this.failedLeaves.remove(group);
			if (!this.groups.containsKey(group)) {
				script(RedisScripts.LEAVE, bytes(group)).subscribe(null, (ex) -> this.failedLeaves.add(group));
			}
		}
		for (String binding : List.copyOf(this.failedUnbinds)) {
			this.failedUnbinds.remove(binding);
			int bar = binding.lastIndexOf('|');
			unbind(binding.substring(0, bar), Long.parseLong(binding.substring(bar + 1)));
		}
		if (this.everUp && (!this.groups.isEmpty() || !this.bindings.isEmpty())) {
			logger.info("Node {} registered again: re-asserting {} groups and {} bindings", this.settings.nodeId(),
					this.groups.size(), this.bindings.size());
		}
		for (String group : this.groups.keySet()) {
			script(RedisScripts.JOIN, bytes(group)).subscribe(null,
					(ex) -> logger.debug("Re-asserting group {} failed", group, ex));
		}
		for (Map.Entry<String, Session> binding : this.bindings.entrySet()) {
			Session session = binding.getValue();
			bind(session, binding.getKey(), "claim").whenComplete((answer, ex) -> {
				if (answer != null && "held".equals(answer.outcome())) {
					// Someone logged in elsewhere while this node was cut off: the newer login wins.
					this.bindings.remove(binding.getKey(), session);
					session.close(CloseReason.DUPLICATE_LOGIN);
				}
			});
		}
	}

	// ---- inbox ----

	private void read() {
		if (!this.running) {
			return;
		}
		if (this.readerPaused) {
			return;
		}
		StreamReadOptions options = StreamReadOptions.empty().block(READ_BLOCK).count(READ_BATCH);
		this.reading = this.reader.streamCommands()
			.xRead(options, StreamOffset.create(this.inboxKey.duplicate(), ReadOffset.from(this.lastId)))
			.doOnNext(this::received)
			.then()
			.subscribe(null, (ex) -> {
				logger.debug("Reading the inbox failed", ex);
				retryRead(RETRY_DELAY);
			}, this::read);
	}

	private void retryRead(Duration delay) {
		try {
			this.scheduler.schedule(this::read, delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// Stopped meanwhile.
		}
	}

	private void received(ByteBufferRecord record) {
		this.lastId = record.getId().getValue();
		Map<String, ByteBuffer> fields = new LinkedHashMap<>();
		record.getValue().forEach((key, value) -> fields.put(string(key), value));
		long seq = Long.parseLong(string(fields.get("s")));
		if (seq > this.lastSeq + 1 && this.lastSeq > 0) {
			this.counters.lost.add(seq - this.lastSeq - 1);
		}
		// A sequence number at or below the last one: the inbox was created again (Redis restarted, or this node
		// was cleaned up while cut off), not a loss.
		this.lastSeq = seq;
		String kind = string(fields.get("k"));
		String name = string(fields.get("n"));
		ByteBuffer data = fields.get("d");
		try {
			switch (kind) {
				case "g" -> {
					countReceived(data);
					byte[] bytes = new byte[data.remaining()];
					data.get(bytes);
					deliver(name, bytes);
				}
				case "b" -> {
					countReceived(data);
					this.sessions.broadcast(Unpooled.wrappedBuffer(toBytes(data)));
				}
				case "close" -> closeLocal(name, Long.parseLong(string(data)), CloseReason.DUPLICATE_LOGIN, null);
				case "a" -> {
					PendingRequest<?> request = this.requests.get(Long.parseLong(string(fields.get("r"))));
					if (request != null) {
						request.answered(string(fields.get("f")), string(data));
					}
				}
				default -> {
					if (kind.startsWith("q:")) {
						answer(string(fields.get("f")), string(fields.get("r")), kind, string(data));
					}
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Node {}: a cluster message of kind {} failed", this.settings.nodeId(), kind, ex);
		}
	}

	private void countReceived(ByteBuffer data) {
		this.counters.received.increment();
		this.counters.bytesReceived.add(data.remaining());
	}

	// ---- local sessions closing ----

	@Override
	public void onClose(Session session, CloseReason reason) {
		Set<String> in = session.attributes().get(GROUPS);
		if (in != null) {
			for (String group : List.copyOf(in)) {
				leave(group, session);
			}
		}
		Set<String> keys = session.attributes().get(KEYS);
		if (keys != null) {
			for (String key : List.copyOf(keys)) {
				unbind(session, key);
			}
		}
	}

	// ---- state ----

	/**
	 * Returns this node's id.
	 * @return the node id
	 */
	public String nodeId() {
		return this.settings.nodeId();
	}

	/**
	 * Returns the settings.
	 * @return the settings
	 */
	public ClusterSettings settings() {
		return this.settings;
	}

	/**
	 * Returns the live nodes as of the last heartbeat, this one included.
	 * @return the nodes by id
	 */
	public Map<String, NodeInfo> liveNodes() {
		return this.liveNodes;
	}

	/**
	 * Returns whether the last heartbeat reached Redis.
	 * @return {@code true} while Redis is reachable
	 */
	public boolean isConnected() {
		return this.linkUp;
	}

	/**
	 * Returns when this node's heartbeat last reached Redis.
	 * @return the time, {@code null} before the first
	 */
	public Instant lastHeartbeat() {
		return this.lastHeartbeat;
	}

	/**
	 * Returns the node's counters.
	 * @return the counters
	 */
	public ClusterCounters counters() {
		return this.counters;
	}

	/**
	 * Returns the payload bytes sent toward Redis and not yet acknowledged.
	 * @return the outbound bytes
	 */
	public long outboundBytes() {
		return this.outboundBytes.get();
	}

	/**
	 * Stops or resumes reading the inbox, as a frozen node would (the heartbeat goes on). A read in flight is
	 * cancelled; what it would have read is read on resuming.
	 */
	void pauseReading(boolean paused) {
		this.readerPaused = paused;
		Disposable current = this.reading;
		if (paused && current != null) {
			current.dispose();
		}
		else if (!paused) {
			read();
		}
	}

	// ---- helpers ----

	private Flux<Object> script(RedisScripts.Script script, ByteBuffer... more) {
		ByteBuffer[] args = new ByteBuffer[more.length + 2];
		args[0] = this.prefixArg;
		args[1] = this.nodeArg;
		System.arraycopy(more, 0, args, 2, more.length);
		ReturnType type = (script == RedisScripts.HEARTBEAT || script == RedisScripts.BIND) ? ReturnType.VALUE
				: ReturnType.INTEGER;
		return script.run(this.commands, type, args);
	}

	private ClusterUnavailableException unavailable(Throwable cause) {
		if (cause instanceof ClusterUnavailableException unavailable) {
			return unavailable;
		}
		return new ClusterUnavailableException("Node " + this.settings.nodeId()
				+ ": the cluster is unavailable, Redis is unreachable (spring.data.redis.*)"
				+ ((cause != null) ? ": " + cause : ""), cause);
	}

	private static void checkName(String name, String what) {
		Objects.requireNonNull(name, what);
		if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
			throw new IllegalArgumentException("A " + what + " is 1 to " + MAX_NAME_LENGTH + " characters, was: "
					+ name.length());
		}
	}

	static ByteBuffer bytes(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

	static String string(Object value) {
		if (value instanceof ByteBuffer buffer) {
			return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
		}
		if (value instanceof byte[] array) {
			return new String(array, StandardCharsets.UTF_8);
		}
		return String.valueOf(value);
	}

	private static byte[] toBytes(ByteBuffer buffer) {
		byte[] bytes = new byte[buffer.remaining()];
		buffer.duplicate().get(bytes);
		return bytes;
	}

	/**
	 * A live node as of the last heartbeat.
	 *
	 * @param id the node id
	 * @param sessions its session count at its last heartbeat
	 * @param lastHeartbeat when it last heartbeated, by its own clock
	 */
	public record NodeInfo(String id, int sessions, Instant lastHeartbeat) {
	}

	/** The answer of the bind and find scripts: "outcome\tnode|sessionId". */
	private record BindAnswer(String outcome, String node, long sessionId) {

		static BindAnswer parse(String text) {
			String[] parts = text.split("\t", 2);
			String holder = (parts.length > 1) ? parts[1] : "";
			int bar = holder.lastIndexOf('|');
			if (bar < 0) {
				return new BindAnswer(parts[0], "", 0);
			}
			return new BindAnswer(parts[0], holder.substring(0, bar), Long.parseLong(holder.substring(bar + 1)));
		}

	}

	/** A question sent to some nodes, waiting for their answers. */
	private static final class PendingRequest<T> {

		final Set<String> waiting = ConcurrentHashMap.newKeySet();

		final Map<String, T> answers = new ConcurrentHashMap<>();

		final Function<String, T> parse;

		final CompletableFuture<ClusterAnswer<T>> result = new CompletableFuture<>();

		PendingRequest(List<String> nodes, Function<String, T> parse) {
			this.waiting.addAll(nodes);
			this.parse = parse;
		}

		void answered(String node, String text) {
			if (this.waiting.remove(node)) {
				this.answers.put(node, this.parse.apply(text));
				if (this.waiting.isEmpty()) {
					this.result.complete(answer());
				}
			}
		}

		void expire() {
			this.result.complete(answer());
		}

		ClusterAnswer<T> answer() {
			return new ClusterAnswer<>(java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(this.answers)),
					this.waiting.stream().sorted().toList());
		}

	}

}
