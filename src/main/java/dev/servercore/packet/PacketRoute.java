package dev.servercore.packet;

import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;

import dev.servercore.core.Session;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;

/**
 * What to do with the packets of one message id, resolved at start-up: read the payload, call the handler
 * method through a method handle of one fixed shape, and time it.
 */
final class PacketRoute {

	// (Session, int id, Object message, ByteBuf payload) -> Object reply, bound to the controller bean.
	private final MethodHandle invoker;

	private final PacketCodec.MessageReader<?> reader;

	private final ReplyEncoder reply;

	private final Timer timer;

	private final String method;

	PacketRoute(MethodHandle invoker, PacketCodec.MessageReader<?> reader, ReplyEncoder reply, Timer timer,
			String method) {
		this.invoker = invoker;
		this.reader = reader;
		this.reply = reply;
		this.timer = timer;
		this.method = method;
	}

	/**
	 * Returns the handler method, for messages.
	 */
	String method() {
		return this.method;
	}

	MethodHandle invoker() {
		return this.invoker;
	}

	ReplyEncoder reply() {
		return this.reply;
	}

	/**
	 * Reads the message; throws what the reader throws for a payload that does not decode.
	 */
	Object read(ByteBuf payload) throws Exception {
		if (this.reader == null) {
			return null;
		}
		int start = payload.readerIndex();
		try {
			return this.reader.read(payload);
		}
		finally {
			// A handler that also takes the payload sees all of it.
			payload.readerIndex(start);
		}
	}

	/**
	 * Calls the handler method and returns what it returned.
	 */
	Object invoke(Session session, int id, Object message, ByteBuf payload) throws Throwable {
		if (this.timer == null) {
			return (Object) this.invoker.invokeExact(session, id, message, payload);
		}
		long start = System.nanoTime();
		try {
			return (Object) this.invoker.invokeExact(session, id, message, payload);
		}
		finally {
			this.timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
		}
	}

}
