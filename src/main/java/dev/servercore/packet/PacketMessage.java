package dev.servercore.packet;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the message id of a packet type that is not a Protocol Buffers message (which declares its id in
 * the {@code .proto} file with {@code option (servercore.packet_id) = N;}). Such types are read and written as
 * JSON by default.
 *
 * <pre>
 * &#64;PacketMessage(id = 20)
 * record Emote(String name) { }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PacketMessage {

	/**
	 * The message id in the packet header.
	 * @return the id
	 */
	int id();

}
