package dev.servercore.support;

import dev.servercore.core.EchoHandler;
import dev.servercore.core.SessionHandler;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * For tests that need the echo handler: they say so with {@code @Import(EchoHandlerConfiguration.class)}
 * instead of relying on the built-in default, so they keep passing when the application declares its own
 * {@link SessionHandler} bean (it is {@link Primary}, so it wins over the application's).
 */
@TestConfiguration(proxyBeanMethods = false)
public class EchoHandlerConfiguration {

	@Bean
	@Primary
	SessionHandler echoHandler() {
		return new EchoHandler();
	}

}
