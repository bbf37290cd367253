package dev.servercore.core;

import java.util.Objects;

/**
 * A typed key for per-session state that game logic keeps on a {@link Session} (a player object, a
 * nickname). Keys compare by identity: declare each one once, as a constant.
 *
 * <pre>
 * static final SessionAttribute&lt;String&gt; NICK = SessionAttribute.named("nick");
 *
 * session.attributes().set(NICK, "alice");
 * String nick = session.attributes().get(NICK);
 * </pre>
 *
 * @param <T> the type of the value
 */
public final class SessionAttribute<T> {

	private final String name;

	private SessionAttribute(String name) {
		this.name = name;
	}

	/**
	 * Creates a key.
	 * @param name a name for logs and debugging; two keys with the same name are still different keys
	 * @param <T> the type of the value
	 * @return a new key
	 */
	public static <T> SessionAttribute<T> named(String name) {
		return new SessionAttribute<>(Objects.requireNonNull(name, "name"));
	}

	/**
	 * Returns the key's name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	@Override
	public String toString() {
		return "SessionAttribute[" + this.name + "]";
	}

}
