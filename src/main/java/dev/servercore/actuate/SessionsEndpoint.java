package dev.servercore.actuate;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import dev.servercore.core.Addresses;
import dev.servercore.core.CloseReason;
import dev.servercore.core.Session;
import dev.servercore.core.SessionRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code tcpsessions} Actuator endpoint (named so as not to collide with Spring Session's {@code sessions}): the open sessions, a page at a time, one session by id, and
 * removing one ({@link CloseReason#KICKED}). Not exposed unless configured.
 *
 * <pre>
 * GET    /actuator/tcpsessions?offset=0&amp;limit=100   count and a page of sessions, by id
 * GET    /actuator/tcpsessions/{id}                   one session (404 if not open)
 * DELETE /actuator/tcpsessions/{id}                   close it with KICKED (404 if not open)
 * </pre>
 */
@Endpoint(id = "tcpsessions")
public class SessionsEndpoint {

	/** Page size when no limit is given. */
	public static final int DEFAULT_LIMIT = 100;

	/** The largest page. */
	public static final int MAX_LIMIT = 1000;

	private final SessionRegistry registry;

	/**
	 * Creates the endpoint.
	 * @param registry the open sessions
	 */
	public SessionsEndpoint(SessionRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	/**
	 * Lists the open sessions.
	 * @param offset how many sessions to skip, by id order; 0 when absent
	 * @param limit the page size, 1 to {@value #MAX_LIMIT}; {@value #DEFAULT_LIMIT} when absent
	 * @return the count of open sessions and the page
	 */
	@ReadOperation
	public SessionsDescriptor sessions(@Nullable Integer offset, @Nullable Integer limit) {
		int from = (offset != null) ? offset : 0;
		int size = (limit != null) ? limit : DEFAULT_LIMIT;
		if (from < 0) {
			throw new InvalidEndpointRequestException("offset must not be negative, was: " + from,
					"offset must not be negative");
		}
		if (size < 1 || size > MAX_LIMIT) {
			throw new InvalidEndpointRequestException("limit must be between 1 and " + MAX_LIMIT + ", was: " + size,
					"limit must be between 1 and " + MAX_LIMIT);
		}
		List<Session> open = this.registry.snapshot();
		List<SessionDescriptor> page = open.stream().skip(from).limit(size).map(SessionDescriptor::of).toList();
		return new SessionsDescriptor(open.size(), from, size, page);
	}

	/**
	 * Shows one open session.
	 * @param id the session id
	 * @return the session, or {@code null} (404) if no open session has that id
	 */
	@ReadOperation
	public @Nullable SessionDescriptor session(@Selector long id) {
		return this.registry.find(id).map(SessionDescriptor::of).orElse(null);
	}

	/**
	 * Closes one open session with {@link CloseReason#KICKED}; what was sent to it before is flushed first.
	 * @param id the session id
	 * @return the session as it was closed, or {@code null} if no open session has that id
	 */
	@DeleteOperation
	public @Nullable SessionDescriptor kick(@Selector long id) {
		return this.registry.find(id).map((session) -> {
			session.close(CloseReason.KICKED);
			return SessionDescriptor.of(session);
		}).orElse(null);
	}

	/**
	 * The open sessions: their count and one page of them.
	 *
	 * @param count the number of open sessions
	 * @param offset the sessions skipped
	 * @param limit the page size asked for
	 * @param sessions the page, by id
	 */
	public record SessionsDescriptor(int count, int offset, int limit, List<SessionDescriptor> sessions) {
	}

	/**
	 * One session, as seen when asked.
	 *
	 * @param id the session id
	 * @param remoteAddress the peer, {@code host:port}
	 * @param openedAt when it was accepted
	 * @param bytesReceived bytes received, packet headers included
	 * @param bytesSent bytes handed to the transport, packet headers included
	 * @param bytesQueued bytes waiting to be sent
	 * @param lastReceiveAt when bytes were last received, {@code null} if never
	 * @param closeReason why it is closing, {@code null} while open
	 */
	public record SessionDescriptor(long id, String remoteAddress, Instant openedAt, long bytesReceived,
			long bytesSent, long bytesQueued, @Nullable Instant lastReceiveAt, @Nullable CloseReason closeReason) {

		static SessionDescriptor of(Session session) {
			return new SessionDescriptor(session.id(), Addresses.hostAndPort(session.remoteAddress()), session.openedAt(),
					session.bytesReceived(), session.bytesSent(), session.bytesQueued(), session.lastReceiveAt(),
					session.closeReason());
		}

	}

}
