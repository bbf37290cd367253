package dev.servercore.core.room;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.servercore.core.PacketFraming;
import dev.servercore.core.Session;
import dev.servercore.core.SessionHandler;
import dev.servercore.core.SessionSettings;
import dev.servercore.support.RoomServer;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A room is a serial job queue: lines said by many clients at once reach every member, each sender's lines
 * in order, and the room's jobs never run at the same time.
 */
class RoomOrderTests {

	private static final int CLIENTS = 50;

	// 1,000 lines each, as the rooms issue asks: 2.5 million deliveries, about 40 s on 2 quiet cores under the
	// paranoid leak detector; -Droom.order.lines=40 runs a quick version while developing.
	private static final int LINES = Integer.getInteger("room.order.lines", 1000);

	@Test
	void everyMemberReceivesEveryLineInEachSendersOrderAndJobsNeverOverlap() throws Exception {
		// No send-queue cap and room for every line: this test is about order and exclusion, not overload.
		SessionSettings settings = new SessionSettings(PacketFraming.line(64), 0, Duration.ofSeconds(5),
				Duration.ZERO, 0, 0);
		ExecutorService threads = Executors.newFixedThreadPool(CLIENTS * 2);
		Shout[] shout = new Shout[1];
		try (RoomServer server = RoomServer.start(settings, CLIENTS * LINES, RoomMetrics.NONE,
				(rooms) -> shout[0] = new Shout(rooms))) {
			List<Socket> sockets = new ArrayList<>();
			for (int i = 0; i < CLIENTS; i++) {
				sockets.add(connect(server.port()));
			}
			await().atMost(Duration.ofSeconds(20))
				.until(() -> server.rooms().find("all").map(Room::memberCount).orElse(0) == CLIENTS);
			List<Future<int[]>> received = new ArrayList<>();
			for (Socket socket : sockets) {
				received.add(threads.submit(() -> readAll(socket)));
			}
			for (int c = 0; c < CLIENTS; c++) {
				int sender = c;
				Socket socket = sockets.get(c);
				threads.submit(() -> say(socket, sender));
			}
			for (Future<int[]> future : received) {
				int[] lastBySender = future.get();
				for (int sender = 0; sender < CLIENTS; sender++) {
					assertThat(lastBySender[sender]).as("last line from sender " + sender).isEqualTo(LINES - 1);
				}
			}
			assertThat(shout[0].jobs).as("jobs run").hasValue(CLIENTS * LINES);
			assertThat(shout[0].overlaps).as("jobs that ran while another job of the room ran").hasValue(0);
			assertThat(shout[0].offLoop).as("jobs that ran off the room's event loop").hasValue(0);
			for (Socket socket : sockets) {
				socket.close();
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	/** Joins every session to one room and says each line there, checking that the room's jobs never overlap. */
	private static final class Shout implements SessionHandler {

		private final RoomRegistry rooms;

		private final RoomHandler logic = new RoomHandler() {
		};

		private final AtomicInteger running = new AtomicInteger();

		private final AtomicInteger overlaps = new AtomicInteger();

		private final AtomicInteger offLoop = new AtomicInteger();

		private final AtomicInteger jobs = new AtomicInteger();

		Shout(RoomRegistry rooms) {
			this.rooms = rooms;
		}

		@Override
		public void onOpen(Session session) {
			this.rooms.join("all", session, (name) -> this.logic);
		}

		@Override
		public void onReceive(Session session, ByteBuf data) {
			Room room = this.rooms.find("all").orElseThrow();
			ByteBuf line = data.retain();
			boolean queued = room.post(() -> {
				if (this.running.getAndIncrement() != 0) {
					this.overlaps.incrementAndGet();
				}
				if (!room.eventLoop().inEventLoop()) {
					this.offLoop.incrementAndGet();
				}
				this.jobs.incrementAndGet();
				room.broadcast(line);
				this.running.decrementAndGet();
			});
			if (!queued) {
				line.release();
			}
		}

	}

	private static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.setTcpNoDelay(true);
		socket.setSoTimeout(30_000);
		socket.connect(new InetSocketAddress("127.0.0.1", port));
		return socket;
	}

	private static Void say(Socket socket, int sender) throws IOException {
		StringBuilder lines = new StringBuilder();
		for (int n = 0; n < LINES; n++) {
			lines.append(sender).append(' ').append(n).append('\n');
		}
		OutputStream out = socket.getOutputStream();
		out.write(lines.toString().getBytes(StandardCharsets.US_ASCII));
		out.flush();
		return null;
	}

	/** Reads every line, checking each sender's numbers arrive one after another; returns the last of each. */
	private static int[] readAll(Socket socket) {
		int[] last = new int[CLIENTS];
		java.util.Arrays.fill(last, -1);
		try {
			BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
			for (int i = 0; i < CLIENTS * LINES; i++) {
				String line = in.readLine();
				if (line == null) {
					throw new AssertionError("the connection ended before line " + i);
				}
				int space = line.indexOf(' ');
				int sender = Integer.parseInt(line.substring(0, space));
				int n = Integer.parseInt(line.substring(space + 1));
				// A plain check: 2.5 million assertion objects and messages cost more than the server's work.
				if (n != last[sender] + 1) {
					throw new AssertionError("line " + n + " from sender " + sender + " after " + last[sender]);
				}
				last[sender] = n;
			}
			return last;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
