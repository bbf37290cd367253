package dev.servercore.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import dev.servercore.core.EventLoops;
import dev.servercore.core.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load client's checks against small bare Netty servers that misbehave on purpose or frame packets:
 * a corrupted byte is a mismatch, a server-side close is an error, both exit non-zero; length-prefixed
 * framing matches a server that strips and re-adds the header.
 */
class LoadClientVerificationTests {

	private static EventLoops loops;

	@BeforeAll
	static void startLoops() {
		loops = EventLoops.create(Transport.NIO, 1, "test-server");
	}

	@AfterAll
	static void stopLoops() {
		loops.disposeLater().block();
	}

	@Test
	void aCorruptedByteIsCountedAsAMismatchAndTheExitStatusIsOne() throws Exception {
		Channel server = start((pipeline) -> pipeline.addLast(new EchoHandler(true)));
		try {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			int status = BenchCommand.run(args(server, "--connections", "2", "--pipeline", "4"),
					new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
			String printed = out.toString(StandardCharsets.UTF_8);
			assertThat(status).as(printed).isEqualTo(1);
			assertThat(printed).containsPattern("mismatches +[1-9]").contains("result              FAILED");
		}
		finally {
			server.close().sync();
		}
	}

	@Test
	void aCorruptedByteInALargeStreamedChunkIsCountedAsAMismatch() throws Exception {
		Channel server = start((pipeline) -> pipeline.addLast(new EchoHandler(true)));
		try {
			BenchSummary summary = new LoadClient(
					BenchOptions.parse(args(server, "--mode", "stream", "--connections", "2", "--size", "4KiB")),
					System.out)
				.run();
			assertThat(summary.mismatches()).isPositive();
			assertThat(summary.exitStatus()).isEqualTo(1);
		}
		finally {
			server.close().sync();
		}
	}

	@Test
	void aConnectionClosedByTheServerIsAnError() throws Exception {
		Channel server = start((pipeline) -> pipeline.addLast(new ChannelInboundHandlerAdapter() {
			@Override
			public void channelRead(ChannelHandlerContext ctx, Object msg) {
				((ByteBuf) msg).release();
				ctx.close();
			}
		}));
		try {
			BenchSummary summary = new LoadClient(BenchOptions.parse(args(server, "--connections", "3")), System.out)
				.run();
			assertThat(summary.errors()).isEqualTo(3);
			assertThat(summary.firstErrors()).allMatch((error) -> error.endsWith("closed by the server"));
			assertThat(summary.exitStatus()).isEqualTo(1);
		}
		finally {
			server.close().sync();
		}
	}

	@Test
	void aRefusedConnectIsAnError() {
		BenchSummary summary = new LoadClient(
				BenchOptions.parse("--port", "1", "--connections", "2", "--duration", "200ms", "--no-progress"),
				System.out)
			.run();
		assertThat(summary.errors()).isEqualTo(2);
		assertThat(summary.messages()).isZero();
		assertThat(summary.exitStatus()).isEqualTo(1);
	}

	@Test
	void lengthPrefixedFramingWithDefaultsMatchesAServerThatReframesEachPacket() throws Exception {
		assertFramedEchoMatches(4, ByteOrder.BIG_ENDIAN, false, "--framing", "length-prefixed");
	}

	@Test
	void twoByteLittleEndianHeaderThatCountsItselfMatchesTheSameServerSettings() throws Exception {
		assertFramedEchoMatches(2, ByteOrder.LITTLE_ENDIAN, true, "--framing", "length-prefixed",
				"--length-field-bytes", "2", "--byte-order", "little", "--length-includes-header");
	}

	@Test
	void aHeaderTooSmallForTheSizeIsRejectedUpFront() {
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = BenchCommand.run(new String[] { "--framing", "length-prefixed", "--length-field-bytes", "2",
				"--size", "70000" }, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
		assertThat(status).isEqualTo(BenchCommand.USAGE_ERROR);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("--size 70000 does not fit");
	}

	private void assertFramedEchoMatches(int lengthBytes, ByteOrder order, boolean includesHeader, String... framing)
			throws Exception {
		int adjustment = includesHeader ? -lengthBytes : 0;
		Channel server = start((pipeline) -> pipeline
			.addLast(new LengthFieldBasedFrameDecoder(order, 65536, 0, lengthBytes, adjustment, lengthBytes, true))
			.addLast(new LengthFieldPrepender(order, lengthBytes, 0, includesHeader))
			.addLast(new EchoHandler(false)));
		try {
			String[] args = args(server, "--connections", "2", "--pipeline", "8", "--size", "300");
			String[] all = new String[args.length + framing.length];
			System.arraycopy(args, 0, all, 0, args.length);
			System.arraycopy(framing, 0, all, args.length, framing.length);
			BenchSummary summary = new LoadClient(BenchOptions.parse(all), System.out).run();
			assertThat(summary.firstErrors()).isEmpty();
			assertThat(summary.mismatches()).isZero();
			assertThat(summary.messages()).isPositive();
			assertThat(summary.bytes()).isEqualTo(summary.messages() * (300 + lengthBytes));
		}
		finally {
			server.close().sync();
		}
	}

	private static String[] args(Channel server, String... more) {
		int port = ((InetSocketAddress) server.localAddress()).getPort();
		String[] base = { "--port", Integer.toString(port), "--warmup", "200ms", "--duration", "700ms",
				"--no-progress", "--transport", "nio" };
		String[] all = new String[base.length + more.length];
		System.arraycopy(base, 0, all, 0, base.length);
		System.arraycopy(more, 0, all, base.length, more.length);
		return all;
	}

	private static Channel start(Consumer<ChannelPipeline> pipeline) throws InterruptedException {
		return new ServerBootstrap().group(loops.group())
			.channel(loops.onChannelClass(ServerSocketChannel.class, loops.group()))
			.childHandler(new ChannelInitializer<>() {
				@Override
				protected void initChannel(Channel channel) {
					pipeline.accept(channel.pipeline());
				}
			})
			.bind("127.0.0.1", 0)
			.sync()
			.channel();
	}

	/**
	 * Echoes what it reads; when corrupting, flips one byte of every tenth read.
	 */
	private static final class EchoHandler extends ChannelInboundHandlerAdapter {

		private final boolean corrupt;

		private int reads;

		EchoHandler(boolean corrupt) {
			this.corrupt = corrupt;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ByteBuf data = (ByteBuf) msg;
			if (this.corrupt && ++this.reads % 10 == 0 && data.isReadable()) {
				int at = data.readerIndex() + data.readableBytes() / 2;
				data.setByte(at, ~data.getByte(at));
			}
			ctx.write(data);
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			ctx.flush();
		}

	}

}
