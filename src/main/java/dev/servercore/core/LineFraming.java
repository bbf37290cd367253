package dev.servercore.core;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

/**
 * The encoder of {@link PacketFraming#line(int) line framing}: each send is followed by a newline, written
 * as a second buffer (shared, never copied) like the length header of length-prefixed framing.
 */
final class LineFraming {

	/** Adds the newline; stateless and shared by every session. */
	static final ChannelHandler ENCODER = new NewlineAppender();

	private static final ByteBuf NEWLINE = Unpooled
		.unreleasableBuffer(Unpooled.directBuffer(1).writeByte('\n').asReadOnly());

	private LineFraming() {
	}

	@ChannelHandler.Sharable
	private static final class NewlineAppender extends MessageToMessageEncoder<ByteBuf> {

		NewlineAppender() {
			super(ByteBuf.class);
		}

		@Override
		protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
			out.add(msg.retain());
			out.add(NEWLINE.duplicate());
		}

	}

}
