package dev.servercore.core;

import java.nio.ByteOrder;
import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.LineBasedFrameDecoder;

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
 *
 * id-field-bytes = 2 (a message id after the length, same byte order), message id 3, payload "HELLO":
 *
 * +----------------+-------+-------------------+
 * | 00 00 00 05    | 00 03 | 48 45 4C 4C 4F    |
 * | length (5)     | id 3  | payload "HELLO"   |
 * +----------------+-------+-------------------+
 *
 * the length counts the payload only; with length-includes-header = true it counts the whole packet (11).
 * </pre>
 *
 * <p>With an id field the handler receives, and {@link Session#send(ByteBuf)} takes, the id followed by the
 * payload: the core cuts and prefixes only the length ({@link #readId(ByteBuf)} and {@link #writeId(ByteBuf, int)}
 * read and write the id in the header's byte order).
 *
 * Netty's {@link LengthFieldBasedFrameDecoder} and {@link LengthFieldPrepender} do the work. A length above
 * {@link #maxSize()} fails fast, before any of the body is buffered ({@link CloseReason#FRAME_TOO_LARGE}); a
 * length that cannot be valid (negative, or smaller than the header when it includes the header) is a
 * {@link CloseReason#PROTOCOL_ERROR}.
 */
public final class PacketFraming {

	/** Bytes as they arrive: one handler call per read. */
	public static final PacketFraming RAW = new PacketFraming(0, 0, ByteOrder.BIG_ENDIAN, false, 0);

	/** Default length field size: 4 bytes. */
	public static final int DEFAULT_LENGTH_FIELD_BYTES = 4;

	/** Default maximum payload size: 64 KiB. */
	public static final int DEFAULT_MAX_SIZE = 64 * 1024;

	private final int lengthFieldBytes;

	// 0 (no message id), 2 or 4 bytes after the length field.
	private final int idFieldBytes;

	private final ByteOrder byteOrder;

	private final boolean lengthIncludesHeader;

	private final int maxSize;

	private final ChannelHandler encoder;

	// Newline-delimited text instead of a length header.
	private final boolean lines;

	private PacketFraming(int lengthFieldBytes, int idFieldBytes, ByteOrder byteOrder, boolean lengthIncludesHeader,
			int maxSize) {
		this.lengthFieldBytes = lengthFieldBytes;
		this.idFieldBytes = idFieldBytes;
		this.byteOrder = byteOrder;
		this.lengthIncludesHeader = lengthIncludesHeader;
		this.maxSize = maxSize;
		// What is written is the id and the payload: the length leaves the id out unless it counts the header.
		this.encoder = (lengthFieldBytes > 0) ? new LengthFieldPrepender(byteOrder, lengthFieldBytes,
				lengthIncludesHeader ? 0 : -idFieldBytes, lengthIncludesHeader) : null;
		this.lines = false;
	}

	private PacketFraming(int maxLineLength) {
		this.lengthFieldBytes = 0;
		this.idFieldBytes = 0;
		this.byteOrder = ByteOrder.BIG_ENDIAN;
		this.lengthIncludesHeader = false;
		this.maxSize = maxLineLength;
		this.encoder = LineFraming.ENCODER;
		this.lines = true;
	}

	/**
	 * Newline-delimited text, so that a person can talk to the server with {@code nc}: each line, without its
	 * {@code \n} or {@code \r\n}, is one packet; each send is one line, its {@code \n} added here. A line
	 * longer than {@code maxLineLength} bytes closes the session with {@link CloseReason#FRAME_TOO_LARGE} as
	 * soon as that many bytes arrived without a newline (Netty's {@link LineBasedFrameDecoder}).
	 * @param maxLineLength the longest line accepted, in bytes, without its newline
	 * @return the framing
	 */
	public static PacketFraming line(int maxLineLength) {
		if (maxLineLength <= 0) {
			throw new IllegalArgumentException("maxLineLength must be positive, was: " + maxLineLength);
		}
		return new PacketFraming(maxLineLength);
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
		return checked(new PacketFraming(lengthFieldBytes, 0, byteOrder, lengthIncludesHeader, maxSize));
	}

	/**
	 * Returns this length-prefixed framing with a message id field after the length, in the same byte order.
	 * @param idFieldBytes size of the id field: 0 (none), 2 (an unsigned 16-bit id) or 4 (a signed 32-bit id)
	 * @return the framing
	 * @throws IllegalArgumentException for another size, for raw framing, or if the maximum size no longer fits
	 * the length field
	 */
	public PacketFraming withIdField(int idFieldBytes) {
		if (idFieldBytes != 0 && idFieldBytes != 2 && idFieldBytes != 4) {
			throw new IllegalArgumentException("idFieldBytes must be 0, 2 or 4, was: " + idFieldBytes);
		}
		if (isRaw() && idFieldBytes != 0) {
			throw new IllegalArgumentException("A message id field needs length-prefixed framing");
		}
		return checked(new PacketFraming(this.lengthFieldBytes, idFieldBytes, this.byteOrder,
				this.lengthIncludesHeader, this.maxSize));
	}

	private static PacketFraming checked(PacketFraming framing) {
		long largest = largestMaxSize(framing.lengthFieldBytes, framing.idFieldBytes, framing.lengthIncludesHeader);
		if (framing.maxSize <= 0 || framing.maxSize > largest) {
			throw new IllegalArgumentException("maxSize must be between 1 and " + largest + " for a "
					+ framing.lengthFieldBytes + "-byte length field"
					+ ((framing.idFieldBytes > 0) ? " and a " + framing.idFieldBytes + "-byte id field" : "")
					+ ", was: " + framing.maxSize);
		}
		return framing;
	}

	/**
	 * Returns the largest payload a length field can describe: the limit for {@code maxSize}.
	 * @param lengthFieldBytes size of the length field: 2 or 4
	 * @param lengthIncludesHeader whether the length counts the length field itself
	 * @return the largest payload size in bytes
	 */
	public static long largestMaxSize(int lengthFieldBytes, boolean lengthIncludesHeader) {
		return largestMaxSize(lengthFieldBytes, 0, lengthIncludesHeader);
	}

	/**
	 * Returns the largest payload a length field can describe with a message id field after it.
	 * @param lengthFieldBytes size of the length field: 2 or 4
	 * @param idFieldBytes size of the id field: 0, 2 or 4
	 * @param lengthIncludesHeader whether the length counts the header (length and id fields)
	 * @return the largest payload size in bytes
	 */
	public static long largestMaxSize(int lengthFieldBytes, int idFieldBytes, boolean lengthIncludesHeader) {
		// The payload must fit the length field, and the whole frame an int.
		return (lengthFieldBytes == 2) ? 0xFFFF - (lengthIncludesHeader ? 2 + idFieldBytes : 0)
				: Integer.MAX_VALUE - 4 - idFieldBytes;
	}

	/**
	 * Returns whether reads are handed over as they arrive.
	 * @return {@code true} for raw framing
	 */
	public boolean isRaw() {
		return this.lengthFieldBytes == 0 && !this.lines;
	}

	/**
	 * Returns whether packets are newline-delimited lines.
	 * @return {@code true} for line framing
	 */
	public boolean isLine() {
		return this.lines;
	}

	/**
	 * Returns the size of the packet header.
	 * @return the length field and id field sizes in bytes, 0 for raw framing
	 */
	public int headerBytes() {
		return this.lengthFieldBytes + this.idFieldBytes;
	}

	/**
	 * Returns the size of the message id field.
	 * @return 0 (no id), 2 or 4
	 */
	public int idFieldBytes() {
		return this.idFieldBytes;
	}

	/**
	 * Reads the message id at the start of a received packet and moves past it.
	 * @param packet a packet as handed to {@link SessionHandler#onReceive(Session, ByteBuf)}
	 * @return the id: 0 to 65535 for a 2-byte field, any int for a 4-byte field
	 * @throws IllegalStateException if this framing has no id field
	 */
	public int readId(ByteBuf packet) {
		return switch (this.idFieldBytes) {
			case 2 -> (this.byteOrder == ByteOrder.BIG_ENDIAN) ? packet.readUnsignedShort()
					: packet.readUnsignedShortLE();
			case 4 -> (this.byteOrder == ByteOrder.BIG_ENDIAN) ? packet.readInt() : packet.readIntLE();
			default -> throw new IllegalStateException("No message id field (servercore.packet.id-field-bytes is 0)");
		};
	}

	/**
	 * Writes a message id, to be followed by the payload, into a buffer for {@link Session#send(ByteBuf)}.
	 * @param out the buffer
	 * @param id the message id
	 * @throws IllegalStateException if this framing has no id field
	 */
	public void writeId(ByteBuf out, int id) {
		boolean big = this.byteOrder == ByteOrder.BIG_ENDIAN;
		switch (this.idFieldBytes) {
			case 2 -> {
				if (big) {
					out.writeShort(id);
				}
				else {
					out.writeShortLE(id);
				}
			}
			case 4 -> {
				if (big) {
					out.writeInt(id);
				}
				else {
					out.writeIntLE(id);
				}
			}
			default -> throw new IllegalStateException("No message id field (servercore.packet.id-field-bytes is 0)");
		}
	}

	/**
	 * Starts a whole packet in {@code out}: leaves room for the length field and writes the message id, so that a
	 * reply can be written in one buffer and sent with {@link Session#sendPacket(ByteBuf)}, without a separate
	 * header buffer. Write the payload after it, then call {@link #endPacket(ByteBuf, int)}.
	 * @param out the buffer to write to
	 * @param id the message id (ignored when there is no id field)
	 * @return the index of the packet's first byte, for {@link #endPacket(ByteBuf, int)}
	 * @throws IllegalStateException if this framing has no length field
	 */
	public int beginPacket(ByteBuf out, int id) {
		if (this.lengthFieldBytes == 0) {
			throw new IllegalStateException("Only length-prefixed framing has a packet header to write");
		}
		int start = out.writerIndex();
		out.writeZero(this.lengthFieldBytes);
		if (this.idFieldBytes > 0) {
			writeId(out, id);
		}
		return start;
	}

	/**
	 * Ends a packet started with {@link #beginPacket(ByteBuf, int)}: writes its length field, as the encoder of
	 * this framing would.
	 * @param out the buffer holding the packet, written up to its end
	 * @param start what {@link #beginPacket(ByteBuf, int)} returned
	 */
	public void endPacket(ByteBuf out, int start) {
		int frame = out.writerIndex() - start;
		int length = this.lengthIncludesHeader ? frame : frame - this.lengthFieldBytes - this.idFieldBytes;
		boolean big = this.byteOrder == ByteOrder.BIG_ENDIAN;
		if (this.lengthFieldBytes == 2) {
			if (big) {
				out.setShort(start, length);
			}
			else {
				out.setShortLE(start, length);
			}
		}
		else if (big) {
			out.setInt(start, length);
		}
		else {
			out.setIntLE(start, length);
		}
	}

	/**
	 * Returns the bytes of the length field: what the packet encoder adds in front of each send.
	 * @return 2 or 4 with length-prefixed framing, 0 otherwise
	 */
	public int lengthFieldBytes() {
		return this.lengthFieldBytes;
	}

	/**
	 * Returns the largest payload accepted and sent (accepted only, for line framing: the longest line).
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
		return this.lines ? new LineBasedFrameDecoder(this.maxSize, true, true) : new PacketDecoder(this);
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
		if (this.lines) {
			return "line(max " + this.maxSize + ")";
		}
		return isRaw() ? "raw" : "length-prefixed(" + this.lengthFieldBytes + " bytes, " + this.byteOrder
				+ ((this.idFieldBytes > 0) ? ", id " + this.idFieldBytes + " bytes" : "")
				+ ((this.lengthIncludesHeader) ? ", includes header" : "") + ", max " + this.maxSize + ")";
	}

	/**
	 * Netty's length-field decoder, reading a 4-byte length as a signed int32 as game headers do, so that
	 * a negative length is a protocol error rather than a huge frame. The id field stays in the frame.
	 */
	private static final class PacketDecoder extends LengthFieldBasedFrameDecoder {

		private final int idFieldBytes;

		PacketDecoder(PacketFraming framing) {
			super(framing.byteOrder, framing.maxSize + framing.lengthFieldBytes + framing.idFieldBytes, 0,
					framing.lengthFieldBytes,
					framing.lengthIncludesHeader ? -framing.lengthFieldBytes : framing.idFieldBytes,
					framing.lengthFieldBytes, true);
			this.idFieldBytes = framing.idFieldBytes;
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
				Object frame = super.decode(ctx, in);
				// A length that counts the header but leaves no room for the id cannot be valid.
				if (frame != null && ((ByteBuf) frame).readableBytes() < this.idFieldBytes) {
					int size = ((ByteBuf) frame).readableBytes();
					((ByteBuf) frame).release();
					throw new CorruptedFrameException(
							"Packet of " + size + " bytes after the length is shorter than its id field");
				}
				return frame;
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
