/**
 * The server core: event loops, sessions, the session registry and the handler SPI, free of Spring.
 *
 * <p>This is the article's {@code ServerCore} static library: an application (or the Spring wiring in
 * {@code dev.servercore.autoconfigure}) links it and supplies a {@link dev.servercore.core.SessionHandler}.
 * A test keeps this package free of {@code org.springframework} imports.
 */
package dev.servercore.core;
