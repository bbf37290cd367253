package dev.servercore.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.servercore.app.ServerCoreApplication;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.StartupStep;

/**
 * Prints where servercore's start-up spends its time: Spring's own start-up steps (recorded by a
 * {@link BufferingApplicationStartup}), the slowest beans by their own time (a bean's time minus the beans it
 * created meanwhile), then exits. Used to decide what to trim for {@code bench/startup.sh}.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/bench-classpath.txt) dev.servercore.bench.StartupSteps \
 *     --servercore.port=0 --server.port=0
 * </pre>
 */
public final class StartupSteps {

	private static final int TOP = Integer.getInteger("steps.top", 30);

	private StartupSteps() {
	}

	public static void main(String[] args) {
		long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
		SpringApplication application = new SpringApplication(ServerCoreApplication.class);
		application.setDefaultProperties(Map.of("spring.application.name", "servercore"));
		BufferingApplicationStartup startup = new BufferingApplicationStartup(100_000);
		application.setApplicationStartup(startup);
		ConfigurableApplicationContext context = application.run(args);
		long ready = System.currentTimeMillis();
		StartupTimeline timeline = startup.getBufferedTimeline();
		List<StartupTimeline.TimelineEvent> events = timeline.getEvents();
		Map<Long, Duration> childTime = new HashMap<>();
		for (StartupTimeline.TimelineEvent event : events) {
			Long parent = event.getStartupStep().getParentId();
			if (parent != null) {
				childTime.merge(parent, event.getDuration(), Duration::plus);
			}
		}
		System.out.printf("%nJVM start to ready: %d ms; Spring steps from %d ms after JVM start%n", ready - jvmStart,
				timeline.getStartTime().toEpochMilli() - jvmStart);
		System.out.println("\nTop-level steps:");
		for (StartupTimeline.TimelineEvent event : events) {
			if (event.getStartupStep().getParentId() == null) {
				System.out.printf("  %6d ms  %s%n", event.getDuration().toMillis(), describe(event.getStartupStep()));
			}
		}
		System.out.println("\nSlowest steps by own time (without their children):");
		events.stream()
			.sorted((a, b) -> own(b, childTime).compareTo(own(a, childTime)))
			.limit(TOP)
			.forEach((event) -> System.out.printf("  %6d ms own, %6d ms in all  %s%n", own(event, childTime).toMillis(),
					event.getDuration().toMillis(), describe(event.getStartupStep())));
		Map<String, Duration> byName = new HashMap<>();
		for (StartupTimeline.TimelineEvent event : events) {
			byName.merge(event.getStartupStep().getName(), own(event, childTime), Duration::plus);
		}
		System.out.println("\nOwn time by step name:");
		byName.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Duration>comparingByValue().reversed())
			.limit(12)
			.forEach((entry) -> System.out.printf("  %6d ms  %s%n", entry.getValue().toMillis(), entry.getKey()));
		context.close();
	}

	private static Duration own(StartupTimeline.TimelineEvent event, Map<Long, Duration> childTime) {
		return event.getDuration().minus(childTime.getOrDefault(event.getStartupStep().getId(), Duration.ZERO));
	}

	private static String describe(StartupStep step) {
		StringBuilder text = new StringBuilder(step.getName());
		for (StartupStep.Tag tag : step.getTags()) {
			text.append(' ').append(tag.getKey()).append('=').append(tag.getValue());
		}
		return (text.length() > 160) ? text.substring(0, 160) : text.toString();
	}

}
