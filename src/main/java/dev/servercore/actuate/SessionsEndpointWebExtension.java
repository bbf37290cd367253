package dev.servercore.actuate;

import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * HTTP view of the {@link SessionsEndpoint}: kicking an unknown session answers 404, where a plain delete
 * operation would answer 204.
 */
@EndpointWebExtension(endpoint = SessionsEndpoint.class)
public class SessionsEndpointWebExtension {

	private final SessionsEndpoint delegate;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint
	 */
	public SessionsEndpointWebExtension(SessionsEndpoint delegate) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
	}

	/**
	 * Lists the open sessions; a bad page answers 400 with the reason in the body (Boot's default error body
	 * leaves the message out).
	 * @param offset how many sessions to skip; 0 when absent
	 * @param limit the page size; {@value SessionsEndpoint#DEFAULT_LIMIT} when absent
	 * @return 200 with the page, or 400 with a {@code message} saying what is wrong
	 */
	@ReadOperation
	public WebEndpointResponse<Object> sessions(@Nullable String offset, @Nullable String limit) {
		try {
			return new WebEndpointResponse<>(this.delegate.sessions(parse(offset, "offset"), parse(limit, "limit")));
		}
		catch (InvalidEndpointRequestException ex) {
			return new WebEndpointResponse<>(Map.of("status", WebEndpointResponse.STATUS_BAD_REQUEST, "error",
					"Bad Request", "message", ex.getMessage()), WebEndpointResponse.STATUS_BAD_REQUEST);
		}
	}

	private static @Nullable Integer parse(@Nullable String value, String name) {
		if (value == null) {
			return null;
		}
		try {
			return Integer.valueOf(value.trim());
		}
		catch (NumberFormatException ex) {
			throw new InvalidEndpointRequestException(name + " must be a whole number, was: " + value,
					name + " must be a whole number");
		}
	}

	/**
	 * Closes one open session with {@code KICKED}.
	 * @param id the session id
	 * @return 200 with the session as it was closed, or 404 if no open session has that id
	 */
	@DeleteOperation
	public WebEndpointResponse<SessionsEndpoint.SessionDescriptor> kick(@Selector long id) {
		SessionsEndpoint.SessionDescriptor kicked = this.delegate.kick(id);
		return (kicked != null) ? new WebEndpointResponse<>(kicked)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
