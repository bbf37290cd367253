package dev.servercore.packet;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

import dev.servercore.core.Session;
import io.netty.buffer.ByteBuf;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;

/**
 * One session's replies that wait behind a reply still being computed (a {@code Mono} or
 * {@code CompletionStage} return), so that the session's replies leave in the order of its packets. Created
 * on a session's first asynchronous reply; used on the session's event loop only.
 */
final class ReplyQueue {

	/** Most replies a session may have waiting; a client that outruns its replies further is closed. */
	static final int MAX_WAITING = 1024;

	private static final AttributeKey<ReplyQueue> KEY = AttributeKey.valueOf("servercore.packet.replyQueue");

	private final ArrayDeque<Slot> slots = new ArrayDeque<>();

	// The dispatcher's count of sessions with replies waiting: while it is 0, plain replies need not look up
	// their session's queue.
	private final AtomicInteger waitingSessions;

	private ReplyQueue(AtomicInteger waitingSessions) {
		this.waitingSessions = waitingSessions;
	}

	static ReplyQueue existing(Session session) {
		return session.channel().attr(KEY).get();
	}

	static ReplyQueue of(Session session, AtomicInteger waitingSessions) {
		Attribute<ReplyQueue> attribute = session.channel().attr(KEY);
		ReplyQueue queue = attribute.get();
		if (queue == null) {
			queue = new ReplyQueue(waitingSessions);
			attribute.set(queue);
		}
		return queue;
	}

	boolean isEmpty() {
		return this.slots.isEmpty();
	}

	boolean isFull() {
		return this.slots.size() >= MAX_WAITING;
	}

	/**
	 * Adds a place for a reply that is still being computed.
	 */
	Slot reserve() {
		if (this.slots.isEmpty()) {
			this.waitingSessions.incrementAndGet();
		}
		Slot slot = new Slot();
		this.slots.add(slot);
		return slot;
	}

	/**
	 * Adds a reply that is ready, behind the ones still waiting.
	 */
	void addReady(ByteBuf reply) {
		Slot slot = new Slot();
		slot.done = true;
		slot.reply = reply;
		this.slots.add(slot);
	}

	/**
	 * Fills a reserved place (with {@code null} for no reply) and sends every reply that is no longer waiting
	 * for an earlier one.
	 */
	void complete(Slot slot, ByteBuf reply, Session session) {
		slot.done = true;
		slot.reply = reply;
		while (!this.slots.isEmpty() && this.slots.peekFirst().done) {
			ByteBuf next = this.slots.pollFirst().reply;
			if (next != null) {
				session.sendPacket(next);
			}
		}
		if (this.slots.isEmpty()) {
			this.waitingSessions.decrementAndGet();
		}
	}

	/**
	 * Releases what is still queued: the session closed.
	 */
	void clear() {
		if (!this.slots.isEmpty()) {
			this.waitingSessions.decrementAndGet();
		}
		Slot slot;
		while ((slot = this.slots.pollFirst()) != null) {
			if (slot.reply != null) {
				slot.reply.release();
			}
		}
	}

	/** A place in the reply order. */
	static final class Slot {

		boolean done;

		ByteBuf reply;

	}

}
