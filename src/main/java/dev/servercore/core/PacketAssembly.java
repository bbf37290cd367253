package dev.servercore.core;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Watches the unfinished packet the decoder holds, once per read batch: counts its bytes for the session and
 * the {@link MemoryBudget}, and closes the session with {@link CloseReason#INCOMPLETE_PACKET} when a packet is
 * not complete within the assembly timeout (a client that announces a large packet and trickles it in).
 *
 * <p>Sits just after the packet decoder. Per read batch it reads one field of the decoder and updates the
 * budget only when that changed; the timer is scheduled once per timeout while a packet is partly received,
 * never per read.
 */
final class PacketAssembly extends ChannelInboundHandlerAdapter {

	private final Session session;

	private final ChannelHandler decoder;

	private final MemoryBudget budget;

	private final long timeoutNanos;

	// Bytes of this session's partial packet currently counted in the budget.
	private long counted;

	private long packetsSeen;

	// When the packet being received now was started; 0 when none is.
	private long startedNanos;

	private ScheduledFuture<?> timer;

	private ChannelHandlerContext ctx;

	PacketAssembly(Session session, ChannelHandler decoder, MemoryBudget budget, long timeoutNanos) {
		this.session = session;
		this.decoder = decoder;
		this.budget = budget;
		this.timeoutNanos = timeoutNanos;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.ctx = ctx;
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		long held = PacketFraming.bufferedBytes(this.decoder);
		if (held != this.counted) {
			this.budget.adjust(held - this.counted);
			this.counted = held;
			this.session.recordBuffered(held);
		}
		if (this.timeoutNanos > 0) {
			track(held);
		}
		ctx.fireChannelReadComplete();
	}

	private void track(long held) {
		long packets = this.session.packetsReceived();
		if (held == 0) {
			this.startedNanos = 0;
		}
		else if (this.startedNanos == 0 || packets != this.packetsSeen) {
			// A packet completed in this batch: the bytes held now belong to a new one.
			this.startedNanos = System.nanoTime();
		}
		this.packetsSeen = packets;
		if (this.startedNanos != 0 && this.timer == null) {
			this.timer = this.ctx.executor().schedule(this::check, this.timeoutNanos, TimeUnit.NANOSECONDS);
		}
	}

	private void check() {
		this.timer = null;
		if (this.startedNanos == 0 || !this.session.isOpen()) {
			return;
		}
		long now = System.nanoTime();
		if (this.session.isReadingPaused()) {
			// The server stopped reading, not the client: its clock starts again once reading resumes.
			this.startedNanos = now;
		}
		else if (now - this.startedNanos >= this.timeoutNanos) {
			this.session.close(CloseReason.INCOMPLETE_PACKET);
			return;
		}
		this.timer = this.ctx.executor()
			.schedule(this::check, this.startedNanos + this.timeoutNanos - now, TimeUnit.NANOSECONDS);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		release();
		ctx.fireChannelInactive();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		release();
	}

	private void release() {
		if (this.timer != null) {
			this.timer.cancel(false);
			this.timer = null;
		}
		this.startedNanos = 0;
		if (this.counted != 0) {
			this.budget.adjust(-this.counted);
			this.counted = 0;
			this.session.recordBuffered(0);
		}
	}

}
