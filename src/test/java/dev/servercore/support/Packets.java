package dev.servercore.support;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes length-prefixed packets on the client side, independently of Netty's codec.
 */
public record Packets(int lengthFieldBytes, ByteOrder order, boolean includesHeader) {

	public static final Packets DEFAULT = new Packets(4, ByteOrder.BIG_ENDIAN, false);

	public byte[] encode(byte[] payload) {
		int length = payload.length + (this.includesHeader ? this.lengthFieldBytes : 0);
		ByteBuffer buffer = ByteBuffer.allocate(this.lengthFieldBytes + payload.length).order(this.order);
		if (this.lengthFieldBytes == 2) {
			buffer.putShort((short) length);
		}
		else {
			buffer.putInt(length);
		}
		return buffer.put(payload).array();
	}

	public byte[] encodeAll(List<byte[]> payloads) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		payloads.forEach((payload) -> out.writeBytes(encode(payload)));
		return out.toByteArray();
	}

	/** Reads exactly one packet from the client. */
	public byte[] read(TestClient client) {
		ByteBuffer header = ByteBuffer.wrap(client.read(this.lengthFieldBytes)).order(this.order);
		int length = (this.lengthFieldBytes == 2) ? Short.toUnsignedInt(header.getShort()) : header.getInt();
		return client.read(length - (this.includesHeader ? this.lengthFieldBytes : 0));
	}

	public List<byte[]> read(TestClient client, int count) {
		List<byte[]> packets = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			packets.add(read(client));
		}
		return packets;
	}

}
