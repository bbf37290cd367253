package dev.servercore.packet;

import java.util.OptionalInt;

import io.netty.buffer.ByteBuf;

/**
 * Reads and writes one family of message types (Protocol Buffers, JSON, or another format of the
 * application's): declare a bean to add one. Asked once per type at start-up; what it returns is then used
 * for every packet, so lookups belong here, not in the reader or writer. Beans are asked in their
 * {@link org.springframework.core.annotation.Order order}; the built-in codecs come last.
 */
public interface PacketCodec {

	/**
	 * Returns a reader for a message type.
	 * @param <T> the type
	 * @param type a handler's message parameter type
	 * @return the reader, or {@code null} if this codec does not read the type
	 */
	<T> MessageReader<T> reader(Class<T> type);

	/**
	 * Returns a writer for a message type.
	 * @param <T> the type
	 * @param type a handler's reply type
	 * @return the writer, or {@code null} if this codec does not write the type
	 */
	<T> MessageWriter<T> writer(Class<T> type);

	/**
	 * Returns the message id a type declares in this codec's own terms (a proto option, for example).
	 * @param type the message type
	 * @return the id, or empty if the type declares none here
	 */
	default OptionalInt declaredId(Class<?> type) {
		return OptionalInt.empty();
	}

	/**
	 * Reads a message from a packet payload.
	 * @param <T> the message type
	 */
	@FunctionalInterface
	interface MessageReader<T> {

		/**
		 * Reads one message.
		 * @param payload the payload after the id; read it, do not release it
		 * @return the message
		 * @throws Exception if the payload is not a valid message: the session is closed with
		 * {@code PROTOCOL_ERROR}
		 */
		T read(ByteBuf payload) throws Exception;

	}

	/**
	 * Writes a message as a packet payload.
	 * @param <T> the message type
	 */
	@FunctionalInterface
	interface MessageWriter<T> {

		/**
		 * Writes one message.
		 * @param message the message
		 * @param out the buffer to append to (it holds the id already)
		 * @throws Exception if the message cannot be written
		 */
		void write(T message, ByteBuf out) throws Exception;

		/**
		 * Returns the bytes {@link #write} will write for a message, if this format knows it beforehand: the
		 * reply buffer is then allocated at its exact size.
		 * @param message the message
		 * @return the size in bytes, or -1 if unknown
		 */
		default int sizeOf(T message) {
			return -1;
		}

	}

}
