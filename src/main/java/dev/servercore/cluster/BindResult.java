package dev.servercore.cluster;

/**
 * The outcome of {@link Cluster#bind}.
 */
public enum BindResult {

	/** The key was free (or held by a dead node) and is now bound to the session. */
	BOUND,

	/** The key was bound to another session, which is being closed with {@code DUPLICATE_LOGIN}. */
	REPLACED,

	/**
	 * The key is bound to another open session and the policy is {@link DuplicateLoginPolicy#REJECT_NEW}: the new
	 * session is being closed with {@code DUPLICATE_LOGIN}.
	 */
	REJECTED

}
