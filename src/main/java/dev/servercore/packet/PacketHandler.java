package dev.servercore.packet;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a {@link PacketController @PacketController} that handles the packets of one message id.
 *
 * <p>Parameters, in any order, each at most once: the {@link dev.servercore.core.Session}, the decoded
 * message (a type a {@link PacketCodec} reads, for example a generated Protocol Buffers class), and the raw
 * payload as an {@code io.netty.buffer.ByteBuf} (after the id; valid only during the call). The id comes from
 * the message type (the proto option {@code (servercore.packet_id)} or {@link PacketMessage @PacketMessage}),
 * or from {@link #id()} when the method takes no message.
 *
 * <p>The return value, unless {@code void} or {@code null}, is sent back to the same session with the id of
 * its type: a message, a {@code ByteBuf} (sent under the request's id, ownership passes to the server), or a
 * {@code Mono}/{@code CompletionStage} of one, sent when it completes, in order with the other replies of
 * the session. The method runs on the session's event loop: never block in it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PacketHandler {

	/** No id given: the id is the message type's. */
	int FROM_MESSAGE_TYPE = -1;

	/**
	 * The message id handled; needed when the method takes no typed message, otherwise it must be the message
	 * type's own id if given.
	 * @return the message id
	 */
	int id() default FROM_MESSAGE_TYPE;

}
