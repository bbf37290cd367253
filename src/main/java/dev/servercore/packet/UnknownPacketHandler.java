package dev.servercore.packet;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the one method that receives packets whose message id has no {@link PacketHandler @PacketHandler};
 * without it such a packet closes the session with {@code PROTOCOL_ERROR}.
 *
 * <p>Parameters, in any order: the {@link dev.servercore.core.Session}, the id as an {@code int}, and the
 * payload as an {@code io.netty.buffer.ByteBuf}. Replies as for {@code @PacketHandler} (a {@code ByteBuf}
 * reply goes out under the unknown id).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface UnknownPacketHandler {

}
