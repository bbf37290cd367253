package dev.servercore.support;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes and decodes packets with a message id after the length on the client side, independently of the
 * server's code: {@code | length | id | payload |}, the length counting the payload (or everything when it
 * includes the header).
 */
public record IdPackets(int lengthFieldBytes, int idFieldBytes, ByteOrder order, boolean includesHeader) {

	/** A packet as read back. */
	public record Packet(int id, byte[] payload) {
	}

	public byte[] encode(int id, byte[] payload) {
		int header = this.lengthFieldBytes + this.idFieldBytes;
		int length = payload.length + (this.includesHeader ? header : 0);
		ByteBuffer buffer = ByteBuffer.allocate(header + payload.length).order(this.order);
		put(buffer, this.lengthFieldBytes, length);
		put(buffer, this.idFieldBytes, id);
		return buffer.put(payload).array();
	}

	public byte[] encode(int id, com.google.protobuf.MessageLite message) {
		return encode(id, message.toByteArray());
	}

	public static byte[] concat(byte[]... packets) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] packet : packets) {
			out.writeBytes(packet);
		}
		return out.toByteArray();
	}

	/** Reads exactly one packet. */
	public Packet read(TestClient client) {
		int length = get(ByteBuffer.wrap(client.read(this.lengthFieldBytes)).order(this.order), this.lengthFieldBytes);
		int id = get(ByteBuffer.wrap(client.read(this.idFieldBytes)).order(this.order), this.idFieldBytes);
		int payload = length - (this.includesHeader ? this.lengthFieldBytes + this.idFieldBytes : 0);
		return new Packet(id, client.read(payload));
	}

	private static void put(ByteBuffer buffer, int bytes, int value) {
		if (bytes == 2) {
			buffer.putShort((short) value);
		}
		else {
			buffer.putInt(value);
		}
	}

	private static int get(ByteBuffer buffer, int bytes) {
		return (bytes == 2) ? Short.toUnsignedInt(buffer.getShort()) : buffer.getInt();
	}

	@Override
	public String toString() {
		return this.lengthFieldBytes + "-byte length, " + this.idFieldBytes + "-byte id, " + this.order
				+ (this.includesHeader ? ", length includes header" : "");
	}

}
