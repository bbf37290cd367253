package dev.servercore.packet;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

/**
 * Marks a bean whose {@link PacketHandler @PacketHandler} methods handle packets by message id: a stereotype,
 * so component scanning picks it up. When at least one exists, the packet dispatcher replaces the echo default
 * as the server's {@link dev.servercore.core.SessionHandler}.
 *
 * <pre>
 * &#64;PacketController
 * class GameController {
 *
 *     &#64;PacketHandler
 *     LoginResult login(Session session, Login login) { ... }
 *
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface PacketController {

	/**
	 * The bean name, if not the default.
	 * @return the bean name
	 */
	@AliasFor(annotation = Component.class)
	String value() default "";

}
