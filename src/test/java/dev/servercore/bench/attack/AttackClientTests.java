package dev.servercore.bench.attack;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import dev.servercore.core.CloseReason;
import dev.servercore.core.EchoHandler;
import dev.servercore.core.PacketFraming;
import dev.servercore.core.SessionHandler;
import dev.servercore.core.SessionSettings;
import dev.servercore.support.CoreServer;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The hostile client's modes against a real servercore on loopback, each bounded by its {@code --duration}:
 * what each mode does, and that its counts say what the server did.
 */
class AttackClientTests {

	private static final SessionSettings LENGTH_PREFIXED = SessionSettings.DEFAULTS
		.withFraming(PacketFraming.lengthPrefixed(4, ByteOrder.BIG_ENDIAN, false, PacketFraming.DEFAULT_MAX_SIZE));

	private static AttackSummary attack(CoreServer server, String... args) {
		String[] all = new String[args.length + 2];
		all[0] = "--port";
		all[1] = Integer.toString(server.port());
		System.arraycopy(args, 0, all, 2, args.length);
		return new AttackClient(AttackOptions.parse(all)).run();
	}

	@Test
	void holdChecksTheEchoThenHoldsAndCountsConnectionsRefusedByTheLimit() {
		try (CoreServer server = CoreServer.start(SessionSettings.DEFAULTS.withLimits(3, 0), new EchoHandler())) {
			AttackSummary summary = attack(server, "--mode", "hold", "--size", "64", "--connections", "5",
					"--duration", "1500ms");
			assertThat(summary.get("connected")).isEqualTo(5);
			assertThat(summary.get("echoed")).isEqualTo(3);
			assertThat(summary.get("closed_by_server")).isEqualTo(2);
			assertThat(summary.get("open_at_end")).isEqualTo(3);
			assertThat(summary.get("mismatches")).isZero();
			assertThat(server.closed("REJECTED_LIMIT")).isEqualTo(2);
		}
	}

	@Test
	void noReadSendersAreClosedAsSlowConsumersAndTheRunEndsOnceAllAreClosed() {
		try (CoreServer server = CoreServer.start(SessionSettings.DEFAULTS, new EchoHandler())) {
			AttackSummary summary = attack(server, "--mode", "no-read", "--size", "16KiB", "--connections", "2",
					"--duration", "20s");
			assertThat(summary.get("closed_by_server")).isEqualTo(2);
			assertThat(summary.get("bytes_sent")).isGreaterThan(SessionSettings.DEFAULT_SEND_QUEUE_CAP);
			assertThat(summary.get("seconds")).isLessThan(20);
			assertThat(server.closed("SLOW_CONSUMER")).isEqualTo(2);
		}
	}

	@Test
	void impossibleHeadersAreSentAsGivenAndClosedByTheServer() {
		try (CoreServer server = CoreServer.start(LENGTH_PREFIXED, new EchoHandler())) {
			AttackSummary negative = attack(server, "--mode", "hold", "--framing", "length-prefixed", "--header-value",
					"-1", "--size", "16", "--connections", "3", "--duration", "10s");
			AttackSummary huge = attack(server, "--mode", "hold", "--framing", "length-prefixed", "--header-value",
					"2147483647", "--size", "16", "--connections", "2", "--duration", "10s");
			assertThat(negative.get("closed_by_server")).isEqualTo(3);
			assertThat(huge.get("closed_by_server")).isEqualTo(2);
			assertThat(server.closed("PROTOCOL_ERROR")).isEqualTo(3);
			assertThat(server.closed("FRAME_TOO_LARGE")).isEqualTo(2);
		}
	}

	@Test
	void partialPacketTricklesWithoutEverCompleting() {
		AtomicInteger packets = new AtomicInteger();
		SessionHandler count = (session, data) -> packets.incrementAndGet();
		try (CoreServer server = CoreServer.start(LENGTH_PREFIXED, count)) {
			AttackSummary summary = attack(server, "--mode", "hold", "--framing", "length-prefixed", "--announce", "20",
					"--send", "10", "--interval", "20ms", "--connections", "2", "--duration", "1s");
			assertThat(summary.get("open_at_end")).isEqualTo(2);
			// 4 header + 20 payload bytes announced: at most 23 sent on each connection.
			assertThat(summary.get("bytes_sent")).isGreaterThan(2 * 10).isEqualTo(2 * 23);
			assertThat(packets).hasValue(0);
		}
	}

	@Test
	void resetModeResetsEveryConnectionInEveryRound() {
		try (CoreServer server = CoreServer.start(SessionSettings.DEFAULTS, new EchoHandler())) {
			AttackSummary summary = attack(server, "--mode", "reset", "--size", "1KiB", "--connections", "20",
					"--rounds", "3", "--duration", "20s");
			assertThat(summary.get("connected")).isEqualTo(60);
			assertThat(summary.get("resets_sent")).isEqualTo(60);
			assertThat(summary.get("closed_by_server")).isZero();
		}
	}

	@Test
	void pipelineChecksEveryEchoedByte() {
		try (CoreServer server = CoreServer.start(SessionSettings.DEFAULTS, new EchoHandler())) {
			AttackSummary summary = attack(server, "--mode", "pipeline", "--pipeline", "8", "--size", "100",
					"--connections", "2", "--duration", "1s");
			assertThat(summary.get("answered")).isPositive();
			assertThat(summary.get("mismatches")).isZero();
			assertThat(summary.get("unanswered")).as("stopped by the client, not lost").isZero();
		}
	}

	@Test
	void pipelineCountsMessagesLeftUnansweredBeforeTheDrainMarker(@TempDir Path dir) throws Exception {
		// Answers the first reads, then closes the session while messages are in flight.
		AtomicInteger reads = new AtomicInteger();
		SessionHandler answerThenClose = (session, data) -> {
			if (reads.incrementAndGet() <= 3) {
				session.send(data.retain());
			}
			else {
				session.close(CloseReason.CLOSED_BY_APPLICATION);
			}
		};
		Path late = dir.resolve("late");
		Path early = dir.resolve("early");
		Files.writeString(late, Long.toString(Long.MAX_VALUE));
		Files.writeString(early, "0");
		try (CoreServer server = CoreServer.start(SessionSettings.DEFAULTS, answerThenClose)) {
			AttackSummary beforeDrain = attack(server, "--mode", "pipeline", "--pipeline", "4", "--size", "10",
					"--drain-marker", late.toString(), "--duration", "10s");
			reads.set(0);
			AttackSummary afterDrain = attack(server, "--mode", "pipeline", "--pipeline", "4", "--size", "10",
					"--drain-marker", early.toString(), "--duration", "10s");
			assertThat(beforeDrain.get("closed_by_server")).isEqualTo(1);
			assertThat(beforeDrain.get("unanswered")).isPositive();
			assertThat(beforeDrain.get("unanswered_before_drain")).isEqualTo(beforeDrain.get("unanswered"));
			assertThat(afterDrain.get("unanswered")).isPositive();
			assertThat(afterDrain.get("unanswered_before_drain")).isZero();
		}
	}

	@Test
	void poisonPacketIsExpectedToCloseTheSession() {
		SessionHandler throwOnPoison = (session, data) -> {
			if (ByteBufUtil.hexDump(data).startsWith(ByteBufUtil.hexDump("THROW".getBytes(StandardCharsets.US_ASCII)))) {
				throw new IllegalStateException("poison");
			}
			session.send(data.retain());
		};
		try (CoreServer server = CoreServer.start(LENGTH_PREFIXED, throwOnPoison)) {
			AttackSummary summary = attack(server, "--mode", "poison", "--framing", "length-prefixed", "--size", "32",
					"--connections", "3", "--reconnect", "--duration", "1s");
			assertThat(summary.get("echoed")).isGreaterThanOrEqualTo(3);
			assertThat(summary.get("poison_closed")).isGreaterThanOrEqualTo(3);
			assertThat(summary.get("mismatches")).isZero();
			assertThat(server.closed("HANDLER_ERROR")).isGreaterThanOrEqualTo(summary.get("poison_closed"));
		}
	}

	@Test
	void randomBytesUnderLengthPrefixedFramingGetClosedAndReconnect() {
		try (CoreServer server = CoreServer.start(LENGTH_PREFIXED, new EchoHandler())) {
			AttackSummary summary = attack(server, "--mode", "random", "--transport", "epoll", "--size", "512", "--interval", "5ms",
					"--connections", "3", "--reconnect", "--duration", "1s");
			assertThat(summary.get("closed_by_server")).isPositive();
			assertThat(summary.get("connected")).isGreaterThan(3);
		}
	}

	@Test
	void commandPrintsOneSummaryLineAndRejectsABadCommandLine() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		try (CoreServer server = CoreServer.start(SessionSettings.DEFAULTS, new EchoHandler())) {
			int status = AttackCommand.run(new String[] { "--port", Integer.toString(server.port()), "--size", "8",
					"--duration", "300ms" }, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
			assertThat(status).isZero();
		}
		assertThat(out.toString(StandardCharsets.UTF_8)).startsWith(AttackSummary.PREFIX + " mode=hold attempted=1 connected=1");
		assertThat(AttackCommand.run(new String[] { "--mode", "poison" }, System.out,
				new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(2);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("--mode poison needs --framing length-prefixed");
		assertThatIllegalArgumentException().isThrownBy(() -> AttackOptions.parse("--mode", "flood"))
			.withMessageContaining("--mode must be");
	}

}
