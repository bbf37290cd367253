package dev.servercore.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.servercore.core.LoopProbe;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether every event loop runs its tasks: DOWN, naming the loop, when a loop's probe task has waited past
 * the deadline (a handler that blocks, a loop stuck in a long computation) or when a loop is dead (its thread
 * ended: every session on it is frozen for good). With a short deadline it serves readiness, with a long
 * one liveness.
 */
public final class EventLoopsHealthIndicator extends AbstractHealthIndicator {

	private final LoopProbe probe;

	private final Duration deadline;

	/**
	 * Creates the indicator.
	 * @param probe the probe that watches the loops
	 * @param deadline how long a probe may wait before its loop counts as stalled, strictly positive
	 */
	public EventLoopsHealthIndicator(LoopProbe probe, Duration deadline) {
		super("servercore event loop health check failed");
		this.probe = Objects.requireNonNull(probe, "probe");
		this.deadline = Objects.requireNonNull(deadline, "deadline");
		if (deadline.isNegative() || deadline.isZero()) {
			throw new IllegalArgumentException("deadline must be strictly positive, was: " + deadline);
		}
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<LoopProbe.Stall> stalled = this.probe.stalled(this.deadline);
		builder.withDetail("loops", this.probe.loopCount()).withDetail("deadline", this.deadline.toMillis() + "ms");
		if (stalled.isEmpty()) {
			builder.up();
			return;
		}
		builder.down()
			.withDetail("stalled", stalled.stream().map(LoopProbe.Stall::toString).toList())
			.withDetail("stalledThreads", stalled.stream().map(LoopProbe.Stall::threadName).toList());
		List<String> dead = stalled.stream().filter(LoopProbe.Stall::dead).map(LoopProbe.Stall::threadName).toList();
		if (!dead.isEmpty()) {
			builder.withDetail("deadThreads", dead);
		}
	}

}
