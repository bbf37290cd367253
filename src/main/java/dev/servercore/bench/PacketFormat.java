package dev.servercore.bench;

import java.nio.ByteOrder;

import io.netty.buffer.ByteBuf;

/**
 * How the load client frames a message on the wire: raw bytes, or a length header before the payload,
 * matching the server's {@code servercore.framing} and {@code servercore.packet.*} settings.
 *
 * <pre>
 * raw:              | payload (size bytes) |
 * length-prefixed:  | length (2 or 4 bytes, big or little endian) | [id (2 or 4 bytes)] | payload (size bytes) |
 *                     length = size, or size + header bytes with --length-includes-header
 * with --protobuf-bytes-field the payload is a Protocol Buffers message whose field 1 holds the size bytes
 * (as the example protocol's Echo): | 0A | varint(size) | bytes |, and the length counts that prefix too.
 * </pre>
 *
 * <p>The server sends each echoed payload back with its own header, so with the same settings on both
 * sides the echoed byte stream equals the sent one.
 */
public final class PacketFormat {

	/** Unframed bytes: the server echoes whatever each read returns. */
	public static final PacketFormat RAW = new PacketFormat(0, ByteOrder.BIG_ENDIAN, false, 0, 0, new byte[0]);

	/** Default length-field size, as {@code servercore.packet.length-field-bytes}. */
	public static final int DEFAULT_LENGTH_FIELD_BYTES = 4;

	// The length field's size.
	private final int headerBytes;

	private final ByteOrder byteOrder;

	private final boolean lengthIncludesHeader;

	private final int idFieldBytes;

	private final int messageId;

	// Written after the id: the tag and length of a protobuf bytes field, or nothing.
	private final byte[] payloadPrefix;

	private PacketFormat(int headerBytes, ByteOrder byteOrder, boolean lengthIncludesHeader, int idFieldBytes,
			int messageId, byte[] payloadPrefix) {
		this.headerBytes = headerBytes;
		this.byteOrder = byteOrder;
		this.lengthIncludesHeader = lengthIncludesHeader;
		this.idFieldBytes = idFieldBytes;
		this.messageId = messageId;
		this.payloadPrefix = payloadPrefix;
	}

	/**
	 * Returns this format with a message id after the length, as {@code servercore.packet.id-field-bytes}.
	 * @param idFieldBytes 0, 2 or 4
	 * @param messageId the id every message carries
	 * @return the format
	 */
	public PacketFormat withMessageId(int idFieldBytes, int messageId) {
		if (idFieldBytes != 0 && idFieldBytes != 2 && idFieldBytes != 4) {
			throw new IllegalArgumentException("--id-field-bytes must be 0, 2 or 4, was: " + idFieldBytes);
		}
		if (idFieldBytes != 0 && !isLengthPrefixed()) {
			throw new IllegalArgumentException("--id-field-bytes needs --framing length-prefixed");
		}
		return new PacketFormat(this.headerBytes, this.byteOrder, this.lengthIncludesHeader, idFieldBytes, messageId,
				this.payloadPrefix);
	}

	/**
	 * Returns this format with each payload wrapped as field 1 (bytes) of a Protocol Buffers message.
	 * @param size the payload size
	 * @return the format
	 */
	public PacketFormat withProtobufBytesField(int size) {
		byte[] prefix = new byte[6];
		int length = 0;
		prefix[length++] = 0x0A;
		int value = size;
		while ((value & ~0x7F) != 0) {
			prefix[length++] = (byte) ((value & 0x7F) | 0x80);
			value >>>= 7;
		}
		prefix[length++] = (byte) value;
		return new PacketFormat(this.headerBytes, this.byteOrder, this.lengthIncludesHeader, this.idFieldBytes,
				this.messageId, java.util.Arrays.copyOf(prefix, length));
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
		return new PacketFormat(lengthFieldBytes, byteOrder, lengthIncludesHeader, 0, 0, new byte[0]);
	}

	/**
	 * Returns the bytes before the payload: length field, id field and the protobuf field prefix.
	 * @return 0 for raw framing
	 */
	public int headerBytes() {
		return this.headerBytes + this.idFieldBytes + this.payloadPrefix.length;
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
		return (int) (fieldMax - (this.lengthIncludesHeader ? this.headerBytes : 0) - this.idFieldBytes - this.payloadPrefix.length);
	}

	/**
	 * Writes the header for one payload.
	 * @param out the buffer to write to
	 * @param payloadBytes the payload size
	 */
	public void writeHeader(ByteBuf out, int payloadBytes) {
		int length = payloadBytes + this.payloadPrefix.length
				+ (this.lengthIncludesHeader ? this.headerBytes + this.idFieldBytes : 0);
		writeField(out, this.headerBytes, length);
		writeField(out, this.idFieldBytes, this.messageId);
		out.writeBytes(this.payloadPrefix);
	}

	private void writeField(ByteBuf out, int bytes, int value) {
		boolean little = this.byteOrder == ByteOrder.LITTLE_ENDIAN;
		if (bytes == 2) {
			if (little) {
				out.writeShortLE(value);
			}
			else {
				out.writeShort(value);
			}
		}
		else if (bytes == 4) {
			if (little) {
				out.writeIntLE(value);
			}
			else {
				out.writeInt(value);
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
				+ (this.lengthIncludesHeader ? "includes" : "excludes") + " header"
				+ ((this.idFieldBytes > 0) ? ", " + this.idFieldBytes + "-byte id " + this.messageId : "")
				+ ((this.payloadPrefix.length > 0) ? ", protobuf bytes field" : "") + ")";
	}

}
