package dev.servercore.actuate;

import java.util.Objects;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
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
