package dev.servercore.core.room;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.servercore.core.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room (a match, a zone, a channel): a serial job queue with members. Jobs posted to a room run one at a
 * time, in the order posted, never at the same time, on the one event loop the room was given when it was
 * created; its {@link RoomHandler} keeps its state in plain fields, without locks.
 *
 * <pre>
 * Room room = ...; // from a RoomRegistry
 * room.join(session);                            // the handler's admit decides; onJoin runs on the room
 * if (!room.post(() -&gt; room.broadcast(bytes))) { // false: the queue is full (or the room is gone)
 *     // shed load: tell the sender, drop the input...
 * }
 * room.startTicking(30);                         // onTick 30 times a second, measured
 * </pre>
 *
 * <p><b>Bounded.</b> At most the queue capacity of jobs wait ({@code servercore.rooms.queue-capacity}); past
 * it {@link #post(Runnable)} returns {@code false} at once, the rejection is counted and the handler's
 * {@link RoomHandler#onOverload(Room)} is called; the room goes on. Joins and leaves asked for also count
 * against the capacity; the leave of a closed session, the drain notice and disposal do not (there is at most
 * one of each per member or per room).
 *
 * <p><b>Ordering.</b> Jobs from one thread run in the order that thread posted them; joins and leaves
 * (including the leave of a member whose session closed, whatever the reason) go through the same queue, so
 * the handler sees them in order with everything else. What a room's jobs send to a member reaches it in
 * the order of the jobs. Sends made to the same session from other threads (its own handler, another room)
 * are ordered among themselves but interleave with the room's.
 *
 * <p><b>Lifetime.</b> A room with no members and nothing queued or scheduled is disposed after its jobs run,
 * unless it was created persistent; {@link #dispose()} ends any room.
 */
public final class Room {

	/** How many jobs a room runs in one turn before the other work on its loop gets a turn. */
	public static final int JOBS_PER_TURN = 256;

	private static final Logger logger = LoggerFactory.getLogger(Room.class);

	private static final Session[] NO_MEMBERS = new Session[0];

	// Values of acquire(): a job may be queued, the queue is full, or the room is disposed.
	static final int ACQUIRED = 0;

	static final int FULL = 1;

	static final int CLOSED = 2;

	// The pending count once the room is disposed.
	private static final int DISPOSED = -1;

	private final String name;

	private final RoomHandler logic;

	private final EventLoop loop;

	private final RoomRegistry registry;

	private final boolean persistent;

	private final int queueCapacity;

	private final RoomMetrics metrics;

	// Netty's multi-producer queue, as its event loops use: bounded below by the pending count.
	private final Queue<Runnable> queue = PlatformDependent.newMpscQueue(64, 1 << 30);

	// Jobs queued or running, timers scheduled and joins reserved; DISPOSED once the room is disposed.
	private final AtomicInteger pending = new AtomicInteger();

	private final AtomicBoolean turnScheduled = new AtomicBoolean();

	private final AtomicBoolean overloaded = new AtomicBoolean();

	private final AtomicLong jobsRejected = new AtomicLong();

	private final Runnable turn = this::runJobs;

	// Copy on write, changed on the room's loop only: broadcast and readers take a snapshot without a lock.
	private volatile Session[] members = NO_MEMBERS;

	private volatile long jobsRun;

	private volatile long jobsFailed;

	private volatile Tick tick;

	private volatile boolean disposed;

	Room(String name, RoomHandler logic, EventLoop loop, RoomRegistry registry, boolean persistent, int queueCapacity,
			RoomMetrics metrics) {
		this.name = name;
		this.logic = logic;
		this.loop = loop;
		this.registry = registry;
		this.persistent = persistent;
		this.queueCapacity = queueCapacity;
		this.metrics = metrics;
	}

	/**
	 * Returns the room's name, unique in its registry.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Returns the room's game logic.
	 * @return the handler
	 */
	public RoomHandler handler() {
		return this.logic;
	}

	/**
	 * Returns the event loop the room's jobs run on.
	 * @return the room's loop
	 */
	public EventLoop eventLoop() {
		return this.loop;
	}

	/**
	 * Returns whether the room is kept when it is empty.
	 * @return {@code true} for a persistent room
	 */
	public boolean isPersistent() {
		return this.persistent;
	}

	/**
	 * Returns whether the room was disposed: it takes no more jobs or members.
	 * @return {@code true} once disposed
	 */
	public boolean isDisposed() {
		return this.disposed;
	}

	/**
	 * Posts a job, from any thread, without blocking.
	 * @param job the job; it runs on the room's loop after the jobs posted before it
	 * @return {@code true} if it was queued; {@code false} if the queue is full (the rejection is counted
	 * and the handler told) or the room is disposed
	 */
	public boolean post(Runnable job) {
		Objects.requireNonNull(job, "job");
		if (acquire(true) != ACQUIRED) {
			return false;
		}
		enqueue(job);
		return true;
	}

	/**
	 * Runs a job on the room after a delay. A scheduled job counts against the queue capacity until it runs
	 * and keeps an empty room from being disposed.
	 * @param delay how long to wait
	 * @param job the job
	 * @return {@code true} if it was scheduled, {@code false} if the queue is full or the room disposed
	 */
	public boolean schedule(Duration delay, Runnable job) {
		Objects.requireNonNull(delay, "delay");
		Objects.requireNonNull(job, "job");
		if (acquire(true) != ACQUIRED) {
			return false;
		}
		try {
			this.loop.schedule(() -> {
				if (!this.disposed) {
					runJob(job);
				}
				release(1);
				disposeIfIdle();
			}, delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			release(1);
			return false;
		}
		return true;
	}

	/**
	 * Starts (or restarts at a new rate) the fixed-rate tick: {@link RoomHandler#onTick(Room)} is called
	 * {@code ticksPerSecond} times a second on the room's loop. Each tick's lag and duration are measured; a
	 * tick that ends after the next was due is counted as an overrun and the ticks it overran are skipped,
	 * never run in a burst.
	 * @param ticksPerSecond the tick rate, 1 to 1000
	 */
	public void startTicking(int ticksPerSecond) {
		if (ticksPerSecond < 1 || ticksPerSecond > 1000) {
			throw new IllegalArgumentException("ticksPerSecond must be between 1 and 1000, was: " + ticksPerSecond);
		}
		onLoop(() -> {
			if (this.disposed) {
				return;
			}
			stopTick();
			Tick started = new Tick(this, this.loop, ticksPerSecond, this.metrics);
			this.tick = started;
			started.start();
		});
	}

	/**
	 * Stops the tick; the tick figures stay readable.
	 */
	public void stopTicking() {
		onLoop(this::stopTick);
	}

	/**
	 * Asks for a session to join. The room's handler decides ({@link RoomHandler#admit}) on the room's loop;
	 * once admitted, the session receives the room's broadcasts, and it leaves on its own when it closes.
	 * A session can be in several rooms. Joining a room the session is in already succeeds.
	 * @param session the session
	 * @return completed on the room's loop with the outcome, never exceptionally
	 */
	public CompletionStage<JoinResult> join(Session session) {
		Objects.requireNonNull(session, "session");
		CompletableFuture<JoinResult> result = new CompletableFuture<>();
		switch (acquire(true)) {
			case ACQUIRED -> enqueueJoin(session, result);
			case FULL -> result.complete(JoinResult.rejected(this, "room busy"));
			default -> result.complete(JoinResult.rejected(this, "room closed"));
		}
		return result;
	}

	/**
	 * Removes a member, on the room's queue; {@link RoomHandler#onLeave} runs if it was a member. A leave
	 * asked for counts against the queue capacity like a post (a client repeating "leave" must not grow the
	 * queue); the leave of a session that closed never does.
	 * @param session the session
	 * @return {@code true} if the leave was queued, {@code false} if the queue is full or the room disposed
	 */
	public boolean leave(Session session) {
		Objects.requireNonNull(session, "session");
		if (acquire(true) != ACQUIRED) {
			return false;
		}
		enqueue(new Leave(session, null));
		return true;
	}

	/**
	 * Sends the same bytes to every member, encoded once: each member gets a retained duplicate (no copy),
	 * and its own framing header as for any send. Call it from the room's jobs for the ordering guarantee.
	 * A member that cannot keep up is closed by its send-queue cap, not waited for.
	 * @param payload the bytes; ownership passes to the room, which releases them
	 * @return the number of members it was queued for
	 */
	public int broadcast(ByteBuf payload) {
		Objects.requireNonNull(payload, "payload");
		Session[] to = this.members;
		int bytes = payload.readableBytes();
		int sent = 0;
		try {
			for (Session member : to) {
				if (member.send(payload.retainedDuplicate())) {
					sent++;
				}
			}
		}
		finally {
			payload.release();
		}
		this.metrics.broadcast(sent, bytes);
		return sent;
	}

	/**
	 * Disposes the room on its queue: its members leave ({@link RoomHandler#onLeave} for each), then
	 * {@link RoomHandler#onDispose} runs and the room leaves its registry. Jobs still queued are dropped.
	 */
	public void dispose() {
		if (acquire(false) == ACQUIRED) {
			enqueue(this::disposeNow);
		}
	}

	/**
	 * Returns the number of members.
	 * @return the member count
	 */
	public int memberCount() {
		return this.members.length;
	}

	/**
	 * Returns the members at this moment, in the order they joined.
	 * @return an immutable snapshot
	 */
	public List<Session> members() {
		return List.of(this.members);
	}

	/**
	 * Returns whether a session is a member now.
	 * @param session the session
	 * @return {@code true} if it is a member
	 */
	public boolean isMember(Session session) {
		for (Session member : this.members) {
			if (member == session) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Returns the number of jobs waiting in the queue.
	 * @return the queue depth
	 */
	public int queueDepth() {
		return this.queue.size();
	}

	/**
	 * Returns the queue capacity.
	 * @return the most jobs that may wait
	 */
	public int queueCapacity() {
		return this.queueCapacity;
	}

	/**
	 * Returns the number of jobs run, joins, leaves and other room work included.
	 * @return the jobs run so far
	 */
	public long jobsRun() {
		return this.jobsRun;
	}

	/**
	 * Returns the number of jobs that threw (each is logged; the room goes on).
	 * @return the failed jobs so far
	 */
	public long jobsFailed() {
		return this.jobsFailed;
	}

	/**
	 * Returns the number of posts rejected because the queue was full.
	 * @return the rejections so far
	 */
	public long jobsRejected() {
		return this.jobsRejected.get();
	}

	/**
	 * Returns the tick rate.
	 * @return ticks per second, 0 if the room never ticked
	 */
	public int tickRate() {
		Tick current = this.tick;
		return (current != null) ? current.ticksPerSecond() : 0;
	}

	/**
	 * Returns the number of ticks run at the current rate.
	 * @return the ticks so far
	 */
	public long ticks() {
		Tick current = this.tick;
		return (current != null) ? current.count() : 0;
	}

	/**
	 * Returns the number of ticks that ended after the next tick was due.
	 * @return the overruns so far
	 */
	public long tickOverruns() {
		Tick current = this.tick;
		return (current != null) ? current.overruns() : 0;
	}

	/**
	 * Returns a percentile of the durations of the last {@value Tick#RECENT} ticks.
	 * @param percentile from 0 to 100, for example 99
	 * @return the duration, zero before the first tick
	 */
	public Duration tickDuration(double percentile) {
		Tick current = this.tick;
		return Duration.ofNanos((current != null) ? current.durationPercentile(percentile) : 0);
	}

	@Override
	public String toString() {
		return "Room[" + this.name + ", members=" + this.members.length + "]";
	}

	// From here on: the queue and the room's own work.

	/** Queues the handler's onCreate; called once by the registry. */
	void created() {
		acquire(false);
		enqueue(() -> this.logic.onCreate(this));
	}

	/**
	 * Takes a place in the queue.
	 * @param bounded whether the queue capacity applies (posts and joins) or not (leaves, drain, dispose)
	 * @return {@link #ACQUIRED}, {@link #FULL} or {@link #CLOSED}
	 */
	int acquire(boolean bounded) {
		while (true) {
			int current = this.pending.get();
			if (current == DISPOSED) {
				return CLOSED;
			}
			if (bounded && current >= this.queueCapacity) {
				rejected();
				return FULL;
			}
			if (this.pending.compareAndSet(current, current + 1)) {
				return ACQUIRED;
			}
		}
	}

	void enqueueJoin(Session session, CompletableFuture<JoinResult> result) {
		enqueue(new Join(session, result));
	}

	/** A session in this room closed: leave on the queue, then let go of its attributes. */
	void leaveOnClose(Session session, Runnable releaseAttributes) {
		if (acquire(false) == ACQUIRED) {
			enqueue(new Leave(session, releaseAttributes));
		}
		else {
			releaseAttributes.run();
		}
	}

	/** The server drains: run onDrain on the queue. */
	CompletableFuture<Void> drain() {
		CompletableFuture<Void> told = new CompletableFuture<>();
		if (acquire(false) != ACQUIRED) {
			told.complete(null);
			return told;
		}
		enqueue(new Droppable() {

			@Override
			public void run() {
				try {
					Room.this.logic.onDrain(Room.this);
				}
				finally {
					told.complete(null);
				}
			}

			@Override
			public void drop() {
				told.complete(null);
			}

		});
		return told;
	}

	/** Runs one tick; called by the tick on the room's loop. */
	void runTick() {
		try {
			this.logic.onTick(this);
		}
		catch (Throwable ex) {
			failed("onTick", ex);
		}
	}

	private void enqueue(Runnable job) {
		this.queue.offer(job);
		if (this.turnScheduled.compareAndSet(false, true)) {
			execute(this.turn);
		}
	}

	private void runJobs() {
		int ran = 0;
		Runnable job;
		while (ran < JOBS_PER_TURN && (job = this.queue.poll()) != null) {
			ran++;
			// Out of the queue: its place is free for the next post.
			release(1);
			if (this.disposed) {
				if (job instanceof Droppable droppable) {
					droppable.drop();
				}
			}
			else {
				runJob(job);
			}
		}
		if (ran > 0) {
			this.jobsRun = this.jobsRun + ran;
			this.metrics.jobsRun(ran);
		}
		if (!this.queue.isEmpty()) {
			// More than a turn's worth: let the loop's I/O and other rooms go first.
			execute(this.turn);
			return;
		}
		this.turnScheduled.set(false);
		if (!this.queue.isEmpty() && this.turnScheduled.compareAndSet(false, true)) {
			execute(this.turn);
			return;
		}
		this.overloaded.set(false);
		disposeIfIdle();
	}

	private void runJob(Runnable job) {
		try {
			job.run();
		}
		catch (Throwable ex) {
			failed("a job", ex);
		}
	}

	private void release(int jobs) {
		while (true) {
			int current = this.pending.get();
			if (current == DISPOSED || this.pending.compareAndSet(current, current - jobs)) {
				return;
			}
		}
	}

	private void rejected() {
		this.jobsRejected.incrementAndGet();
		this.metrics.jobRejected();
		if (this.overloaded.compareAndSet(false, true)) {
			execute(() -> {
				try {
					this.logic.onOverload(this);
				}
				catch (Throwable ex) {
					failed("onOverload", ex);
				}
			});
		}
	}

	private void admit(Session session, CompletableFuture<JoinResult> result) {
		if (isMember(session)) {
			result.complete(JoinResult.accepted(this));
			return;
		}
		if (!session.isOpen()) {
			result.complete(JoinResult.rejected(this, "session closed"));
			return;
		}
		Admission admission;
		try {
			admission = this.logic.admit(this, session);
		}
		catch (Throwable ex) {
			failed("admit", ex);
			admission = Admission.reject("error");
		}
		if (admission == null || !admission.accepted()) {
			result.complete(JoinResult.rejected(this, (admission != null) ? admission.reason() : "rejected"));
			return;
		}
		// Tracked before the open check: a close from now on finds this room and leaves it.
		this.registry.track(session, this);
		if (!session.isOpen()) {
			this.registry.untrack(session, this);
			result.complete(JoinResult.rejected(this, "session closed"));
			return;
		}
		Session[] current = this.members;
		Session[] grown = Arrays.copyOf(current, current.length + 1);
		grown[current.length] = session;
		this.members = grown;
		this.registry.membersChanged(1);
		try {
			this.logic.onJoin(this, session);
		}
		catch (Throwable ex) {
			failed("onJoin", ex);
		}
		result.complete(JoinResult.accepted(this));
	}

	private void removeMember(Session session) {
		Session[] current = this.members;
		int index = -1;
		for (int i = 0; i < current.length; i++) {
			if (current[i] == session) {
				index = i;
				break;
			}
		}
		if (index < 0) {
			return;
		}
		Session[] shrunk = new Session[current.length - 1];
		System.arraycopy(current, 0, shrunk, 0, index);
		System.arraycopy(current, index + 1, shrunk, index, current.length - index - 1);
		this.members = shrunk;
		this.registry.untrack(session, this);
		this.registry.membersChanged(-1);
		try {
			this.logic.onLeave(this, session);
		}
		catch (Throwable ex) {
			failed("onLeave", ex);
		}
	}

	private void disposeIfIdle() {
		if (!this.persistent && !this.disposed && this.members.length == 0
				&& this.pending.compareAndSet(0, DISPOSED)) {
			finishDispose();
		}
	}

	private void disposeNow() {
		this.pending.set(DISPOSED);
		for (Session member : this.members) {
			removeMember(member);
		}
		finishDispose();
	}

	private void finishDispose() {
		this.disposed = true;
		stopTick();
		try {
			this.logic.onDispose(this);
		}
		catch (Throwable ex) {
			failed("onDispose", ex);
		}
		this.registry.removed(this);
		logger.debug("Room {} disposed", this.name);
	}

	private void stopTick() {
		Tick current = this.tick;
		if (current != null) {
			current.stop();
		}
	}

	private void onLoop(Runnable task) {
		if (this.loop.inEventLoop()) {
			task.run();
		}
		else {
			execute(task);
		}
	}

	private void execute(Runnable task) {
		try {
			this.loop.execute(task);
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Room {}: its event loop is shut down", this.name);
		}
	}

	private void failed(String what, Throwable ex) {
		this.jobsFailed = this.jobsFailed + 1;
		logger.warn("Room {}: {} failed; the room goes on", this.name, what, ex);
	}

	/** A queued job that must still do something if the room is disposed before it runs. */
	private interface Droppable extends Runnable {

		void drop();

	}

	private final class Join implements Droppable {

		private final Session session;

		private final CompletableFuture<JoinResult> result;

		Join(Session session, CompletableFuture<JoinResult> result) {
			this.session = session;
			this.result = result;
		}

		@Override
		public void run() {
			admit(this.session, this.result);
		}

		@Override
		public void drop() {
			this.result.complete(JoinResult.rejected(Room.this, "room closed"));
		}

	}

	private final class Leave implements Droppable {

		private final Session session;

		private final Runnable releaseAttributes;

		Leave(Session session, Runnable releaseAttributes) {
			this.session = session;
			this.releaseAttributes = releaseAttributes;
		}

		@Override
		public void run() {
			try {
				removeMember(this.session);
			}
			finally {
				drop();
			}
		}

		@Override
		public void drop() {
			if (this.releaseAttributes != null) {
				this.releaseAttributes.run();
			}
		}

	}

}
