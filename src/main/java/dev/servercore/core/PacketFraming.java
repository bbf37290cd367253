package dev.servercore.core;

import java.nio.ByteOrder;
import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;

/**
 * How the byte stream is cut into packets: {@link #RAW} hands reads over as they arrive, or a game-server
 * packet header (a length field of 2 or 4 bytes) followed by the payload.
 *
 * <pre>
 * length-field-bytes = 4, big-endian, length-includes-header = false, payload "HELLO" (5 bytes):
 *
 * +----------------+-------------------+
 * | 00 00 00 05    | 48 45 4C 4C 4F    |
 * | length (5)     | payload "HELLO"   |
 * +----------------+-------------------+
 *
 * with length-includes-header = true the length field says 9 (4 + 5).
 * </pre>
 *
 * Netty's {@link LengthFieldBasedFrameDecoder} and {@link LengthFieldPrepender} do the work. A length above
 * {@link #maxSize()} fails fast, before any of the body is buffered ({@link CloseReason#FRAME_TOO_LARGE}); a
 * length that cannot be valid (negative, or smaller than the header when it includes the header) is a
 * {@link CloseReason#PROTOCOL_ERROR}.
 */
public final class PacketFraming {

	/** Bytes as they arrive: one handler call per read. */
	public static final PacketFraming RAW = new PacketFraming(0, ByteOrder.BIG_ENDIAN, false, 0);

	/** Default length field size: 4 bytes. */
	public static final int DEFAULT_LENGTH_FIELD_BYTES = 4;

	/** Default maximum payload size: 64 KiB. */
	public static final int DEFAULT_MAX_SIZE = 64 * 1024;

	private final int lengthFieldBytes;

	private final ByteOrder byteOrder;

	private final boolean lengthIncludesHeader;

	private final int maxSize;

	private final LengthFieldPrepender encoder;

	private PacketFraming(int lengthFieldBytes, ByteOrder byteOrder, boolean lengthIncludesHeader, int maxSize) {
		this.lengthFieldBytes = lengthFieldBytes;
		this.byteOrder = byteOrder;
		this.lengthIncludesHeader = lengthIncludesHeader;
		this.maxSize = maxSize;
		this.encoder = (lengthFieldBytes > 0)
				? new LengthFieldPrepender(byteOrder, lengthFieldBytes, 0, lengthIncludesHeader) : null;
	}

	/**
	 * Length-prefixed packets.
	 * @param lengthFieldBytes size of the length field: 2 or 4
	 * @param byteOrder byte order of the length field
	 * @param lengthIncludesHeader whether the length counts the length field itself
	 * @param maxSize the largest payload accepted and sent, in bytes
	 * @return the framing
	 */
	public static PacketFraming lengthPrefixed(int lengthFieldBytes, ByteOrder byteOrder, boolean lengthIncludesHeader,
			int maxSize) {
		if (lengthFieldBytes != 2 && lengthFieldBytes != 4) {
			throw new IllegalArgumentException("lengthFieldBytes must be 2 or 4, was: " + lengthFieldBytes);
		}
		Objects.requireNonNull(byteOrder, "byteOrder");
		long largest = largestMaxSize(lengthFieldBytes, lengthIncludesHeader);
		if (maxSize <= 0 || maxSize > largest) {
			throw new IllegalArgumentException("maxSize must be between 1 and " + largest + " for a "
					+ lengthFieldBytes + "-byte length field, was: " + maxSize);
		}
		return new PacketFraming(lengthFieldBytes, byteOrder, lengthIncludesHeader, maxSize);
	}

	/**
	 * Returns the largest payload a length field can describe: the limit for {@code maxSize}.
	 * @param lengthFieldBytes size of the length field: 2 or 4
	 * @param lengthIncludesHeader whether the length counts the length field itself
	 * @return the largest payload size in bytes
	 */
	public static long largestMaxSize(int lengthFieldBytes, boolean lengthIncludesHeader) {
		// The payload must fit the length field, and the whole frame an int.
		return (lengthFieldBytes == 2) ? 0xFFFF - (lengthIncludesHeader ? 2 : 0) : Integer.MAX_VALUE - 4;
	}

	/**
	 * Returns whether reads are handed over as they arrive.
	 * @return {@code true} for raw framing
	 */
	public boolean isRaw() {
		return this.lengthFieldBytes == 0;
	}

	/**
	 * Returns the size of the packet header.
	 * @return the length field size in bytes, 0 for raw framing
	 */
	public int headerBytes() {
		return this.lengthFieldBytes;
	}

	/**
	 * Returns the largest payload accepted and sent.
	 * @return the maximum payload size in bytes, 0 for raw framing (no packets)
	 */
	public int maxSize() {
		return this.maxSize;
	}

	/**
	 * Returns the byte order of the length field.
	 * @return the byte order
	 */
	public ByteOrder byteOrder() {
		return this.byteOrder;
	}

	/**
	 * Returns whether the length counts the length field itself.
	 * @return {@code true} if the length includes the header
	 */
	public boolean lengthIncludesHeader() {
		return this.lengthIncludesHeader;
	}

	ChannelHandler newDecoder() {
		return new PacketDecoder(this);
	}

	ChannelHandler encoder() {
		return this.encoder;
	}

	/**
	 * Returns the bytes a decoder made by {@link #newDecoder()} holds for an unfinished packet: the capacity
	 * of its cumulation buffer, 0 when it holds none.
	 */
	static int bufferedBytes(ChannelHandler decoder) {
		return (decoder instanceof PacketDecoder packetDecoder) ? packetDecoder.bufferedBytes() : 0;
	}

	@Override
	public String toString() {
		return isRaw() ? "raw" : "length-prefixed(" + this.lengthFieldBytes + " bytes, " + this.byteOrder
				+ ((this.lengthIncludesHeader) ? ", includes header" : "") + ", max " + this.maxSize + ")";
	}

	/**
	 * Netty's length-field decoder, reading a 4-byte length as a signed int32 as game headers do, so that
	 * a negative length is a protocol error rather than a huge frame.
	 */
	private static final class PacketDecoder extends LengthFieldBasedFrameDecoder {

		PacketDecoder(PacketFraming framing) {
			super(framing.byteOrder, framing.maxSize + framing.lengthFieldBytes, 0, framing.lengthFieldBytes,
					framing.lengthIncludesHeader ? -framing.lengthFieldBytes : 0, framing.lengthFieldBytes, true);
		}

		int bufferedBytes() {
			return internalBuffer().capacity();
		}

		// Set by the first framing error: the stream has lost its packet boundaries, so nothing after it is a
		// packet. The rest is skipped while the session closes.
		private boolean failed;

		@Override
		protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
			if (this.failed) {
				in.skipBytes(in.readableBytes());
				return null;
			}
			try {
				return super.decode(ctx, in);
			}
			catch (Exception ex) {
				this.failed = true;
				in.skipBytes(in.readableBytes());
				throw ex;
			}
		}

		@Override
		protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
			if (length == 4) {
				return (order == ByteOrder.BIG_ENDIAN) ? buf.getInt(offset) : buf.getIntLE(offset);
			}
			return super.getUnadjustedFrameLength(buf, offset, length, order);
		}

	}

}
