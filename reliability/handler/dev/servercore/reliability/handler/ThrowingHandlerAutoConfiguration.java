package dev.servercore.reliability.handler;

import java.nio.charset.StandardCharsets;

import dev.servercore.autoconfigure.ServerCoreAutoConfiguration;
import dev.servercore.core.Session;
import dev.servercore.core.SessionHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The reliability suite's faulty handler, never part of the shipped jar: an echo that throws on every packet
 * whose payload starts with {@code THROW}. The suite compiles it into {@code target/reliability/handler} and
 * adds it to the server with Spring Boot's {@code PropertiesLauncher} ({@code -Dloader.path=...}); being
 * auto-configured before servercore, it replaces the built-in echo handler.
 */
@AutoConfiguration(before = ServerCoreAutoConfiguration.class)
public class ThrowingHandlerAutoConfiguration {

	private static final ByteBuf POISON = Unpooled
		.unreleasableBuffer(Unpooled.wrappedBuffer("THROW".getBytes(StandardCharsets.US_ASCII)));

	@Bean
	SessionHandler throwingEchoHandler() {
		return (Session session, ByteBuf data) -> {
			int length = POISON.readableBytes();
			if (data.readableBytes() >= length && ByteBufUtil.equals(data, data.readerIndex(), POISON, 0, length)) {
				throw new IllegalStateException("reliability suite: poison packet on session " + session.id());
			}
			session.send(data.retain());
		};
	}

}
