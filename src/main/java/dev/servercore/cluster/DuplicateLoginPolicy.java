package dev.servercore.cluster;

/**
 * What {@link Cluster#bind} does when the key is already bound to another open session, on any node.
 */
public enum DuplicateLoginPolicy {

	/** The older session is closed with {@code DUPLICATE_LOGIN}; the new one gets the key (the default). */
	CLOSE_OLD,

	/** The new session is closed with {@code DUPLICATE_LOGIN}; the older one keeps the key. */
	REJECT_NEW

}
