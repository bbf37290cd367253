package dev.servercore.core;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every event to several {@link ServerMetrics}, each isolated: one that throws does not keep the
 * others from recording.
 */
public final class CompositeServerMetrics implements ServerMetrics {

	private static final Logger logger = LoggerFactory.getLogger(CompositeServerMetrics.class);

	private final ServerMetrics[] delegates;

	// Whether a delegate's failure was logged at WARN already: per-read events would flood the log. Racy on
	// purpose: at worst a failure is logged twice.
	private final boolean[] warned;

	private CompositeServerMetrics(List<ServerMetrics> delegates) {
		this.delegates = delegates.toArray(ServerMetrics[]::new);
		this.warned = new boolean[this.delegates.length];
	}

	/**
	 * Returns metrics that hand every event to each of {@code metrics}, in order.
	 * @param metrics the metrics to combine
	 * @return {@link ServerMetrics#NONE} for none, the one itself for one, else a composite
	 */
	public static ServerMetrics of(List<ServerMetrics> metrics) {
		if (metrics.isEmpty()) {
			return ServerMetrics.NONE;
		}
		if (metrics.size() == 1) {
			return metrics.get(0);
		}
		return new CompositeServerMetrics(metrics);
	}

	@Override
	public void sessionOpened() {
		for (int i = 0; i < this.delegates.length; i++) {
			try {
				this.delegates[i].sessionOpened();
			}
			catch (Throwable ex) {
				failed(i, "sessionOpened", ex);
			}
		}
	}

	@Override
	public void sessionClosed(CloseReason reason) {
		for (int i = 0; i < this.delegates.length; i++) {
			try {
				this.delegates[i].sessionClosed(reason);
			}
			catch (Throwable ex) {
				failed(i, "sessionClosed", ex);
			}
		}
	}

	@Override
	public void connectionRejected() {
		for (int i = 0; i < this.delegates.length; i++) {
			try {
				this.delegates[i].connectionRejected();
			}
			catch (Throwable ex) {
				failed(i, "connectionRejected", ex);
			}
		}
	}

	@Override
	public void acceptPaused() {
		for (int i = 0; i < this.delegates.length; i++) {
			try {
				this.delegates[i].acceptPaused();
			}
			catch (Throwable ex) {
				failed(i, "acceptPaused", ex);
			}
		}
	}

	@Override
	public void bytesRead(int bytes) {
		for (int i = 0; i < this.delegates.length; i++) {
			try {
				this.delegates[i].bytesRead(bytes);
			}
			catch (Throwable ex) {
				failed(i, "bytesRead", ex);
			}
		}
	}

	@Override
	public void packetReceived() {
		for (int i = 0; i < this.delegates.length; i++) {
			try {
				this.delegates[i].packetReceived();
			}
			catch (Throwable ex) {
				failed(i, "packetReceived", ex);
			}
		}
	}

	@Override
	public void bytesWritten(int bytes) {
		for (int i = 0; i < this.delegates.length; i++) {
			try {
				this.delegates[i].bytesWritten(bytes);
			}
			catch (Throwable ex) {
				failed(i, "bytesWritten", ex);
			}
		}
	}

	@Override
	public void loopLag(int loopIndex, long nanos) {
		for (int i = 0; i < this.delegates.length; i++) {
			try {
				this.delegates[i].loopLag(loopIndex, nanos);
			}
			catch (Throwable ex) {
				failed(i, "loopLag", ex);
			}
		}
	}

	@Override
	public void tlsHandshakeSucceeded() {
		for (int i = 0; i < this.delegates.length; i++) {
			try {
				this.delegates[i].tlsHandshakeSucceeded();
			}
			catch (Throwable ex) {
				failed(i, "tlsHandshakeSucceeded", ex);
			}
		}
	}

	@Override
	public void tlsHandshakeFailed() {
		for (int i = 0; i < this.delegates.length; i++) {
			try {
				this.delegates[i].tlsHandshakeFailed();
			}
			catch (Throwable ex) {
				failed(i, "tlsHandshakeFailed", ex);
			}
		}
	}

	private void failed(int index, String event, Throwable ex) {
		if (!this.warned[index]) {
			this.warned[index] = true;
			logger.warn("ServerMetrics {}.{} failed; later failures of it are logged at DEBUG",
					this.delegates[index].getClass().getName(), event, ex);
		}
		else {
			logger.debug("ServerMetrics {}.{} failed", this.delegates[index].getClass().getName(), event, ex);
		}
	}

}
