package dev.servercore.bench;

import java.nio.ByteOrder;

import io.netty.buffer.ByteBuf;

/**
 * How the load client frames a message on the wire: raw bytes, or a length header before the payload,
 * matching the server's {@code servercore.framing} and {@code servercore.packet.*} settings.
 *
 * <pre>
 * raw:              | payload (size bytes) |
 * length-prefixed:  | length (2 or 4 bytes, big or little endian) | payload (size bytes) |
 *                     length = size, or size + header bytes with --length-includes-header
 * </pre>
 *
 * <p>The server sends each echoed payload back with its own header, so with the same settings on both
 * sides the echoed byte stream equals the sent one.
 */
public final class PacketFormat {

	/** Unframed bytes: the server echoes whatever each read returns. */
	public static final PacketFormat RAW = new PacketFormat(0, ByteOrder.BIG_ENDIAN, false);

	/** Default length-field size, as {@code servercore.packet.length-field-bytes}. */
	public static final int DEFAULT_LENGTH_FIELD_BYTES = 4;

	private final int headerBytes;

	private final ByteOrder byteOrder;

	private final boolean lengthIncludesHeader;

	private PacketFormat(int headerBytes, ByteOrder byteOrder, boolean lengthIncludesHeader) {
		this.headerBytes = headerBytes;
		this.byteOrder = byteOrder;
		this.lengthIncludesHeader = lengthIncludesHeader;
	}

	/**
	 * Creates a length-prefixed format.
	 * @param lengthFieldBytes 2 or 4
	 * @param byteOrder the byte order of the length field
	 * @param lengthIncludesHeader whether the length counts the header's own bytes
	 * @return the format
	 * @throws IllegalArgumentException if {@code lengthFieldBytes} is neither 2 nor 4
	 */
	public static PacketFormat lengthPrefixed(int lengthFieldBytes, ByteOrder byteOrder,
			boolean lengthIncludesHeader) {
		if (lengthFieldBytes != 2 && lengthFieldBytes != 4) {
			throw new IllegalArgumentException("--length-field-bytes must be 2 or 4, was: " + lengthFieldBytes);
		}
		return new PacketFormat(lengthFieldBytes, byteOrder, lengthIncludesHeader);
	}

	/**
	 * Returns the header size.
	 * @return 0 for raw framing, otherwise the length-field size
	 */
	public int headerBytes() {
		return this.headerBytes;
	}

	/**
	 * Returns whether messages carry a length header.
	 * @return {@code false} for raw framing
	 */
	public boolean isLengthPrefixed() {
		return this.headerBytes > 0;
	}

	/**
	 * Returns the largest payload the header can announce.
	 * @return the largest payload size in bytes
	 */
	public int maxPayload() {
		if (this.headerBytes == 0) {
			return Integer.MAX_VALUE;
		}
		long fieldMax = (this.headerBytes == 2) ? 0xFFFF : Integer.MAX_VALUE;
		return (int) (fieldMax - (this.lengthIncludesHeader ? this.headerBytes : 0));
	}

	/**
	 * Writes the header for one payload.
	 * @param out the buffer to write to
	 * @param payloadBytes the payload size
	 */
	public void writeHeader(ByteBuf out, int payloadBytes) {
		int length = payloadBytes + (this.lengthIncludesHeader ? this.headerBytes : 0);
		boolean little = this.byteOrder == ByteOrder.LITTLE_ENDIAN;
		if (this.headerBytes == 2) {
			if (little) {
				out.writeShortLE(length);
			}
			else {
				out.writeShort(length);
			}
		}
		else if (this.headerBytes == 4) {
			if (little) {
				out.writeIntLE(length);
			}
			else {
				out.writeInt(length);
			}
		}
	}

	@Override
	public String toString() {
		if (this.headerBytes == 0) {
			return "raw";
		}
		return "length-prefixed (" + this.headerBytes + " bytes, "
				+ ((this.byteOrder == ByteOrder.BIG_ENDIAN) ? "big" : "little") + "-endian, length "
				+ (this.lengthIncludesHeader ? "includes" : "excludes") + " header)";
	}

}
