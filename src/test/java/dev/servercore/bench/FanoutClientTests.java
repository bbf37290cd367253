package dev.servercore.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import dev.servercore.chat.ChatHandler;
import dev.servercore.core.PacketFraming;
import dev.servercore.core.SessionSettings;
import dev.servercore.support.RoomServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load client's fanout mode, briefly, against the chat on line framing: every line said reaches every
 * member of its room, in each sender's order, and the latency is measured.
 */
class FanoutClientTests {

	@Test
	void everyLineSaidReachesEveryMemberOfItsRoomInOrder() {
		try (RoomServer server = RoomServer.start(SessionSettings.DEFAULTS.withFraming(PacketFraming.line(1024)),
				(rooms) -> new ChatHandler(rooms, 100))) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			int status = BenchCommand.run(new String[] { "--mode", "fanout", "--port", Integer.toString(server.port()),
					"--connections", "20", "--rooms", "3", "--rate", "200", "--warmup", "300ms", "--duration", "1s" },
					new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
			String printed = out.toString(StandardCharsets.UTF_8);
			assertThat(status).as(printed).isZero();
			assertThat(printed).contains("fanout 20 clients in 3 rooms").contains(" 0 lost, 0 duplicated or reordered")
				.containsPattern("latency   p50 \\d+");
		}
	}

	@Test
	void moreRoomsThanClientsIsAUsageError() {
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = BenchCommand.run(new String[] { "--mode", "fanout", "--connections", "2", "--rooms", "3" },
				System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
		assertThat(status).isEqualTo(BenchCommand.USAGE_ERROR);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("--rooms 3 is more than --connections 2");
	}

}
