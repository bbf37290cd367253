package dev.servercore.packet;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.OptionalInt;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.servercore.packet.protobuf.PacketOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;

/**
 * Reads and writes generated Protocol Buffers message classes; a message's id is its
 * {@code option (servercore.packet_id) = N;} from {@code servercore/packet.proto}.
 *
 * <p>Reads parse the payload in place (no copy) and writes serialize straight into the outgoing buffer.
 */
public final class ProtobufCodec implements PacketCodec {

	@Override
	@SuppressWarnings("unchecked")
	public <T> MessageReader<T> reader(Class<T> type) {
		if (!isGenerated(type)) {
			return null;
		}
		Parser<T> parser = (Parser<T>) invokeStatic(type, "parser");
		return (payload) -> parse(parser, payload);
	}

	@Override
	public <T> MessageWriter<T> writer(Class<T> type) {
		if (!isGenerated(type)) {
			return null;
		}
		return new MessageWriter<>() {

			@Override
			public void write(T message, ByteBuf out) throws Exception {
				ProtobufCodec.write((MessageLite) message, out);
			}

			@Override
			public int sizeOf(T message) {
				// Computed once and kept by the message, so write() does not compute it again.
				return ((MessageLite) message).getSerializedSize();
			}

		};
	}

	@Override
	public OptionalInt declaredId(Class<?> type) {
		if (!isGenerated(type)) {
			return OptionalInt.empty();
		}
		MessageOptions options = ((Descriptor) invokeStatic(type, "getDescriptor")).getOptions();
		return options.hasExtension(PacketOptions.packetId)
				? OptionalInt.of(options.getExtension(PacketOptions.packetId)) : OptionalInt.empty();
	}

	private static boolean isGenerated(Class<?> type) {
		return Message.class.isAssignableFrom(type) && type != Message.class
				&& !java.lang.reflect.Modifier.isAbstract(type.getModifiers());
	}

	private static <T> T parse(Parser<T> parser, ByteBuf payload) throws Exception {
		int length = payload.readableBytes();
		if (payload.hasArray()) {
			return parser.parseFrom(payload.array(), payload.arrayOffset() + payload.readerIndex(), length);
		}
		if (payload.nioBufferCount() == 1) {
			// A view of the buffer's memory, reused by the buffer; protobuf copies what it keeps.
			return parser.parseFrom(payload.internalNioBuffer(payload.readerIndex(), length));
		}
		return parser.parseFrom(new ByteBufInputStream(payload));
	}

	private static void write(MessageLite message, ByteBuf out) throws Exception {
		int size = message.getSerializedSize();
		out.ensureWritable(size);
		int index = out.writerIndex();
		CodedOutputStream stream;
		if (out.hasArray()) {
			stream = CodedOutputStream.newInstance(out.array(), out.arrayOffset() + index, size);
		}
		else {
			ByteBuffer target = out.internalNioBuffer(index, size);
			stream = CodedOutputStream.newInstance(target);
		}
		message.writeTo(stream);
		stream.flush();
		out.writerIndex(index + size);
	}

	private static Object invokeStatic(Class<?> type, String name) {
		try {
			Method method = type.getMethod(name);
			return method.invoke(null);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(type.getName() + " is not a generated Protocol Buffers message class (no "
					+ name + "())", ex);
		}
	}

}
