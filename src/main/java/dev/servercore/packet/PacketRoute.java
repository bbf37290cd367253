package dev.servercore.packet;

import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;

import dev.servercore.core.Session;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;

/**
 * What to do with the packets of one message id, resolved at start-up: read the payload, call the handler
 * method through a method handle of one fixed shape, count it, and time one packet in {@link Timing#every()}.
 */
final class PacketRoute {

	// (Session, int id, Object message, ByteBuf payload) -> Object reply, bound to the controller bean.
	private final MethodHandle invoker;

	private final PacketCodec.MessageReader<?> reader;

	private final ReplyEncoder reply;

	private final Meters meters;

	private final String method;

	PacketRoute(MethodHandle invoker, PacketCodec.MessageReader<?> reader, ReplyEncoder reply, Meters meters,
			String method) {
		this.invoker = invoker;
		this.reader = reader;
		this.reply = reply;
		this.meters = meters;
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

	Meters meters() {
		return this.meters;
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
		Meters meters = this.meters;
		if (meters == null) {
			return (Object) this.invoker.invokeExact(session, id, message, payload);
		}
		meters.handled.increment();
		if (!meters.timing.times(session)) {
			return (Object) this.invoker.invokeExact(session, id, message, payload);
		}
		long start = System.nanoTime();
		try {
			return (Object) this.invoker.invokeExact(session, id, message, payload);
		}
		finally {
			meters.timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * The meters of one message id (or of the unknown ids): every packet counted, some timed.
	 */
	record Meters(Counter handled, Timer timer, Timing timing) {
	}

	/**
	 * Which packets are timed: one in {@code every} of each session's packets, chosen by the session's packet
	 * count, so the choice costs no shared write. Reading the clock twice and recording a timer costs about as
	 * much as the rest of a small packet's dispatch; the count stays exact.
	 * @param every time one packet in this many; 1 times every packet, 0 none
	 */
	record Timing(int every) {

		/** The default: one packet in 64. */
		static final Timing DEFAULT = new Timing(64);

		Timing {
			if (every < 0) {
				throw new IllegalArgumentException("every must be 0 or more, was: " + every);
			}
		}

		boolean times(Session session) {
			int every = this.every;
			if (every <= 1) {
				return every == 1;
			}
			long packets = session.packetsReceived();
			return ((every & (every - 1)) == 0) ? (packets & (every - 1)) == 0 : packets % every == 0;
		}

	}

}
