package dev.servercore.packet;

import java.io.InputStream;
import java.io.OutputStream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes types annotated {@link PacketMessage @PacketMessage} as JSON (UTF-8), with the
 * {@link JsonMapper} that Spring Boot configures ({@code spring.jackson.*}).
 */
public final class JsonCodec implements PacketCodec {

	private final JsonMapper mapper;

	/**
	 * Creates the codec.
	 * @param mapper the mapper to read and write with
	 */
	public JsonCodec(JsonMapper mapper) {
		this.mapper = mapper;
	}

	@Override
	public <T> MessageReader<T> reader(Class<T> type) {
		if (!type.isAnnotationPresent(PacketMessage.class)) {
			return null;
		}
		ObjectReader reader = this.mapper.readerFor(type);
		return (payload) -> {
			if (payload.hasArray()) {
				return reader.readValue(payload.array(), payload.arrayOffset() + payload.readerIndex(),
						payload.readableBytes());
			}
			return reader.readValue((InputStream) new ByteBufInputStream(payload));
		};
	}

	@Override
	public <T> MessageWriter<T> writer(Class<T> type) {
		if (!type.isAnnotationPresent(PacketMessage.class)) {
			return null;
		}
		ObjectWriter writer = this.mapper.writerFor(type);
		return (message, out) -> writer.writeValue((OutputStream) new ByteBufOutputStream(out), message);
	}

}
