package dev.servercore.packet;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.servercore.core.CloseReason;
import dev.servercore.core.PacketFraming;
import dev.servercore.core.Session;
import dev.servercore.core.SessionHandler;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The {@link SessionHandler} that runs {@link PacketHandler @PacketHandler} methods: reads each packet's message
 * id, looks the route up in an array indexed by id, reads the message, calls the method and sends its reply.
 *
 * <p>An id without a handler goes to the {@link UnknownPacketHandler @UnknownPacketHandler} method if there is
 * one, otherwise closes the session with {@link CloseReason#PROTOCOL_ERROR}; so does a payload that does not
 * decode. Asynchronous replies ({@code Mono}, {@code CompletionStage}) are sent on the session's loop, in the
 * order of the packets they answer, with the plain replies.
 */
public final class PacketDispatcher implements SessionHandler {

	private static final Logger logger = LoggerFactory.getLogger(PacketDispatcher.class);

	private final PacketFraming framing;

	private final PacketRoute[] routes;

	private final PacketRoute unknownRoute;

	// The 'unknown' series: every unknown id counted, whether the fallback takes it or the session is closed.
	private final PacketRoute.Meters unknownMeters;

	private final boolean asyncReplies;

	// Sessions with replies waiting behind an asynchronous one (see ReplyQueue): while none has, a plain reply is
	// sent without looking its session's queue up.
	private final AtomicInteger waitingSessions = new AtomicInteger();

	PacketDispatcher(PacketFraming framing, PacketRoute[] routes, PacketRoute unknownRoute,
			PacketRoute.Meters unknownMeters, boolean asyncReplies) {
		this.framing = framing;
		this.routes = routes;
		this.unknownRoute = unknownRoute;
		this.unknownMeters = unknownMeters;
		this.asyncReplies = asyncReplies;
	}

	/**
	 * Returns the framing whose id field this dispatcher reads.
	 * @return the framing
	 */
	public PacketFraming framing() {
		return this.framing;
	}

	/**
	 * Returns the largest message id with a handler.
	 * @return the largest routed id, -1 if none
	 */
	public int maxId() {
		return this.routes.length - 1;
	}

	@Override
	public void onReceive(Session session, ByteBuf packet) {
		int id = this.framing.readId(packet);
		PacketRoute route = (id >= 0 && id < this.routes.length) ? this.routes[id] : null;
		if (route == null) {
			onUnknown(session, id, packet);
			return;
		}
		dispatch(route, session, id, packet);
	}

	private void onUnknown(Session session, int id, ByteBuf packet) {
		if (this.unknownRoute == null) {
			if (this.unknownMeters != null) {
				this.unknownMeters.handled().increment();
			}
			logger.debug("Session {} sent unknown message id {}; closing with PROTOCOL_ERROR", session.id(), id);
			session.close(CloseReason.PROTOCOL_ERROR);
			return;
		}
		dispatch(this.unknownRoute, session, id, packet);
	}

	private void dispatch(PacketRoute route, Session session, int id, ByteBuf payload) {
		Object message;
		try {
			message = route.read(payload);
		}
		catch (Exception ex) {
			logger.debug("Session {}: message id {} did not decode for {}; closing with PROTOCOL_ERROR: {}",
					session.id(), id, route.method(), ex.toString());
			session.close(CloseReason.PROTOCOL_ERROR);
			return;
		}
		Object reply;
		try {
			reply = route.invoke(session, id, message, payload);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(route.method() + " failed", ex);
		}
		if (reply != null) {
			reply(session, route.reply(), reply, id);
		}
	}

	private void reply(Session session, ReplyEncoder encoder, Object reply, int requestId) {
		if (reply instanceof Mono<?> mono) {
			replyLater(session, encoder, mono.toFuture(), requestId);
		}
		else if (reply instanceof CompletionStage<?> stage) {
			replyLater(session, encoder, stage, requestId);
		}
		else {
			ByteBuf packet = encode(session, encoder, reply, requestId);
			if (packet != null) {
				sendInOrder(session, packet);
			}
		}
	}

	private void sendInOrder(Session session, ByteBuf packet) {
		if (this.asyncReplies && this.waitingSessions.get() > 0) {
			ReplyQueue queue = ReplyQueue.existing(session);
			if (queue != null && !queue.isEmpty()) {
				if (queue.isFull()) {
					packet.release();
					tooManyWaiting(session);
					return;
				}
				queue.addReady(packet);
				return;
			}
		}
		session.sendPacket(packet);
	}

	private void replyLater(Session session, ReplyEncoder encoder, CompletionStage<?> stage, int requestId) {
		ReplyQueue queue = ReplyQueue.of(session, this.waitingSessions);
		if (queue.isFull()) {
			tooManyWaiting(session);
			return;
		}
		ReplyQueue.Slot slot = queue.reserve();
		stage.whenComplete((result, failure) -> {
			if (session.eventLoop().inEventLoop()) {
				completed(session, queue, slot, encoder, result, failure, requestId);
				return;
			}
			try {
				session.eventLoop().execute(() -> completed(session, queue, slot, encoder, result, failure, requestId));
			}
			catch (RejectedExecutionException ex) {
				// The loops are shut down: the session is gone with them.
				ReferenceCountUtil.release(result);
			}
		});
	}

	// The client sends faster than its replies complete: bounded, like the send queue.
	private static void tooManyWaiting(Session session) {
		logger.debug("Session {} has {} replies waiting; closing as a slow consumer", session.id(),
				ReplyQueue.MAX_WAITING);
		session.close(CloseReason.SLOW_CONSUMER);
	}

	private void completed(Session session, ReplyQueue queue, ReplyQueue.Slot slot, ReplyEncoder encoder,
			Object result, Throwable failure, int requestId) {
		if (!session.isOpen()) {
			ReferenceCountUtil.release(result);
			return;
		}
		if (failure != null) {
			logger.warn("Session {}: the reply to message id {} failed; closing the session", session.id(),
					requestId, failure);
			session.close(CloseReason.HANDLER_ERROR);
			return;
		}
		ByteBuf packet = (result != null) ? encode(session, encoder, result, requestId) : null;
		queue.complete(slot, packet, session);
	}

	private static ByteBuf encode(Session session, ReplyEncoder encoder, Object reply, int requestId) {
		try {
			return encoder.encode(session, reply, requestId);
		}
		catch (Exception ex) {
			logger.warn("Session {}: the reply to message id {} could not be encoded; closing the session",
					session.id(), requestId, ex);
			session.close(CloseReason.HANDLER_ERROR);
			return null;
		}
	}

	@Override
	public void onClose(Session session, CloseReason reason) {
		if (this.asyncReplies) {
			ReplyQueue queue = ReplyQueue.existing(session);
			if (queue != null) {
				queue.clear();
			}
		}
	}

}
