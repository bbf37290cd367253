package dev.servercore.core;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The typed attributes of one {@link Session}: state that game logic keeps per player. Readable and
 * writable from any thread.
 *
 * <p>Attributes are cleared with the session: once it has closed and everything that holds them has let go
 * ({@link #hold()}; the rooms the session was in hold them until they have run its leave, so a room's
 * {@code onLeave} still sees the player's nickname). Values set after that are not kept.
 */
public final class SessionAttributes {

	// The session's own hold, released when it closes.
	private final AtomicInteger holds = new AtomicInteger(1);

	// Created on the first set: most sessions of a plain echo server never use attributes.
	private volatile Map<SessionAttribute<?>, Object> values;

	private volatile boolean cleared;

	/** The attributes of every session that closed before it had any: cleared, keeps nothing. */
	static final SessionAttributes CLEARED = new SessionAttributes(true);

	SessionAttributes() {
	}

	private SessionAttributes(boolean cleared) {
		this.holds.set(0);
		this.cleared = cleared;
	}

	/**
	 * Returns the value of an attribute.
	 * @param key the key
	 * @param <T> the type of the value
	 * @return the value, or {@code null} if none is set
	 */
	@SuppressWarnings("unchecked")
	public <T> T get(SessionAttribute<T> key) {
		Objects.requireNonNull(key, "key");
		Map<SessionAttribute<?>, Object> map = this.values;
		return (map != null) ? (T) map.get(key) : null;
	}

	/**
	 * Sets an attribute; a {@code null} value removes it.
	 * @param key the key
	 * @param value the value
	 * @param <T> the type of the value
	 */
	public <T> void set(SessionAttribute<T> key, T value) {
		Objects.requireNonNull(key, "key");
		if (value == null) {
			remove(key);
			return;
		}
		Map<SessionAttribute<?>, Object> map = map();
		if (map != null) {
			map.put(key, value);
		}
	}

	/**
	 * Returns the value of an attribute, setting it first if there is none.
	 * @param key the key
	 * @param value creates the value
	 * @param <T> the type of the value
	 * @return the value in force
	 */
	@SuppressWarnings("unchecked")
	public <T> T computeIfAbsent(SessionAttribute<T> key, Supplier<? extends T> value) {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(value, "value");
		Map<SessionAttribute<?>, Object> map = map();
		return (map != null) ? (T) map.computeIfAbsent(key, (k) -> value.get()) : value.get();
	}

	/**
	 * Removes an attribute.
	 * @param key the key
	 * @param <T> the type of the value
	 * @return the value removed, or {@code null}
	 */
	@SuppressWarnings("unchecked")
	public <T> T remove(SessionAttribute<T> key) {
		Objects.requireNonNull(key, "key");
		Map<SessionAttribute<?>, Object> map = this.values;
		return (map != null) ? (T) map.remove(key) : null;
	}

	/**
	 * Removes an attribute only if it still has the given value.
	 * @param key the key
	 * @param value the value expected
	 * @param <T> the type of the value
	 * @return {@code true} if it was removed
	 */
	public <T> boolean remove(SessionAttribute<T> key, T value) {
		Objects.requireNonNull(key, "key");
		Map<SessionAttribute<?>, Object> map = this.values;
		return map != null && value != null && map.remove(key, value);
	}

	/**
	 * Returns whether the attributes were cleared because the session ended.
	 * @return {@code true} once cleared
	 */
	public boolean isCleared() {
		return this.cleared;
	}

	/**
	 * Keeps the attributes past the session's close until the returned release is run, once. Used by what
	 * finishes with a session after it closed, such as a room running its leave.
	 * @return runs once to let go; later runs do nothing
	 */
	public Runnable hold() {
		this.holds.incrementAndGet();
		AtomicInteger once = new AtomicInteger();
		return () -> {
			if (once.getAndIncrement() == 0) {
				release();
			}
		};
	}

	/** The session closed: drop its own hold. */
	void sessionClosed() {
		release();
	}

	private void release() {
		if (this.holds.decrementAndGet() == 0) {
			this.cleared = true;
			Map<SessionAttribute<?>, Object> map = this.values;
			if (map != null) {
				map.clear();
			}
		}
	}

	private Map<SessionAttribute<?>, Object> map() {
		if (this.cleared) {
			return null;
		}
		Map<SessionAttribute<?>, Object> map = this.values;
		if (map == null) {
			synchronized (this) {
				map = this.values;
				if (map == null) {
					map = new ConcurrentHashMap<>(4);
					this.values = map;
				}
			}
		}
		return map;
	}

}
