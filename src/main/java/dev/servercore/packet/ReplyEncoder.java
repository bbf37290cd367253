package dev.servercore.packet;

import dev.servercore.core.PacketFraming;
import dev.servercore.core.Session;
import io.netty.buffer.ByteBuf;

/**
 * Turns a handler's reply into a whole packet (length, id and payload, in one buffer of the right size) for
 * {@link Session#sendPacket(ByteBuf)}; resolved at start-up from the handler method's return type.
 */
@FunctionalInterface
interface ReplyEncoder {

	/** For handlers that return nothing. */
	ReplyEncoder NONE = (session, reply, requestId) -> null;

	/**
	 * Encodes one reply.
	 * @param session the session it goes to (for its allocator)
	 * @param reply what the handler returned (or its asynchronous result), not {@code null}
	 * @param requestId the id of the packet being answered
	 * @return the whole packet, header included, owned by the caller
	 */
	ByteBuf encode(Session session, Object reply, int requestId) throws Exception;

	/**
	 * A typed reply: its type's id, then what the codec writes.
	 */
	@SuppressWarnings({ "rawtypes", "unchecked" })
	static ReplyEncoder typed(PacketFraming framing, int id, PacketCodec.MessageWriter writer) {
		return (session, reply, requestId) -> {
			// Sized exactly when the codec knows the size (protobuf does), so the pool hands out no more than needed.
			int size = writer.sizeOf(reply);
			ByteBuf out = (size >= 0) ? session.channel().alloc().buffer(framing.headerBytes() + size)
					: session.channel().alloc().buffer();
			try {
				int start = framing.beginPacket(out, id);
				writer.write(reply, out);
				framing.endPacket(out, start);
				return out;
			}
			catch (Throwable ex) {
				out.release();
				throw ex;
			}
		};
	}

	/**
	 * A raw {@code ByteBuf} reply, sent under the id of the packet it answers; the reply buffer is released.
	 */
	static ReplyEncoder raw(PacketFraming framing) {
		return (session, reply, requestId) -> {
			ByteBuf payload = (ByteBuf) reply;
			try {
				ByteBuf out = session.channel().alloc().buffer(framing.headerBytes() + payload.readableBytes());
				int start = framing.beginPacket(out, requestId);
				out.writeBytes(payload);
				framing.endPacket(out, start);
				return out;
			}
			finally {
				payload.release();
			}
		};
	}

}
