package dev.servercore.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session manager: every open session, and nothing else.
 *
 * <p>A session is added when its connection becomes active and removed when it becomes inactive, which
 * every way of ending goes through (peer close, reset, error, server stop, close by code), so the registry
 * never keeps a closed session. All methods are thread-safe. Modelled on Netty's
 * {@code DefaultChannelGroup}.
 */
public final class SessionRegistry {

	private static final Logger logger = LoggerFactory.getLogger(SessionRegistry.class);

	private final ConcurrentMap<Long, Session> sessions = new ConcurrentHashMap<>();

	private final AtomicLong ids = new AtomicLong();

	private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Finds an open session.
	 * @param id the session id
	 * @return the session, or empty if no open session has that id
	 */
	public Optional<Session> find(long id) {
		return Optional.ofNullable(this.sessions.get(id));
	}

	/**
	 * Returns the number of open sessions.
	 * @return the open session count
	 */
	public int size() {
		return this.sessions.size();
	}

	/**
	 * Returns the open sessions at this moment, by id.
	 * @return an immutable snapshot
	 */
	public List<Session> snapshot() {
		List<Session> snapshot = new ArrayList<>(this.sessions.values());
		snapshot.sort(Comparator.comparingLong(Session::id));
		return List.copyOf(snapshot);
	}

	/**
	 * Sends the same bytes to every open session, without copying them.
	 * @param data the bytes (one packet payload with length-prefixed framing); ownership passes to the
	 * registry, which releases it
	 * @return the number of sessions the data was queued for
	 * @throws IllegalArgumentException if the payload is larger than a session's maximum packet size or
	 * send-queue cap; it is then sent to no session (and released)
	 */
	public int broadcast(ByteBuf data) {
		Objects.requireNonNull(data, "data");
		int sent = 0;
		try {
			// Check first: a payload too large for one session (framing or send-queue cap) reaches none of them.
			int size = data.readableBytes();
			for (Session session : this.sessions.values()) {
				session.checkSendSize(size);
			}
			for (Session session : this.sessions.values()) {
				if (session.send(data.retainedDuplicate())) {
					sent++;
				}
			}
		}
		finally {
			data.release();
		}
		return sent;
	}

	/**
	 * Closes every open session.
	 * @param reason the close reason
	 * @return a future completed once every session open at the call has closed and left the registry
	 */
	public CompletableFuture<Void> closeAll(CloseReason reason) {
		Objects.requireNonNull(reason, "reason");
		List<CompletableFuture<CloseReason>> closed = new ArrayList<>();
		for (Session session : this.sessions.values()) {
			session.close(reason);
			closed.add(session.closed());
		}
		return CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new));
	}

	/**
	 * Adds a listener for sessions opening and closing.
	 * @param listener the listener
	 */
	public void addListener(SessionListener listener) {
		this.listeners.add(Objects.requireNonNull(listener, "listener"));
	}

	/**
	 * Removes a listener.
	 * @param listener the listener
	 */
	public void removeListener(SessionListener listener) {
		this.listeners.remove(listener);
	}

	/**
	 * Tells the listeners that the server drains.
	 * @return a future completed once every listener is ready
	 */
	CompletableFuture<Void> drainStarted() {
		List<CompletableFuture<?>> ready = new ArrayList<>();
		for (SessionListener listener : this.listeners) {
			ready.add(listener.onDrain().toCompletableFuture());
		}
		return CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new));
	}

	long nextId() {
		return this.ids.incrementAndGet();
	}

	// Each listener is isolated: one that throws is logged and skips neither the others nor the registry's own
	// bookkeeping.

	void add(Session session) {
		this.sessions.put(session.id(), session);
		for (SessionListener listener : this.listeners) {
			try {
				listener.onOpen(session);
			}
			catch (Throwable ex) {
				logger.warn("Session {}: listener {} failed in onOpen", session.id(), listener, ex);
			}
		}
	}

	void remove(Session session, CloseReason reason) {
		if (this.sessions.remove(session.id(), session)) {
			for (SessionListener listener : this.listeners) {
				try {
					listener.onClose(session, reason);
				}
				catch (Throwable ex) {
					logger.warn("Session {}: listener {} failed in onClose", session.id(), listener, ex);
				}
			}
		}
	}

}
