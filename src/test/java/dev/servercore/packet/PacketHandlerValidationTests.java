package dev.servercore.packet;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;

import dev.servercore.autoconfigure.PacketHandlerAutoConfiguration;
import dev.servercore.autoconfigure.ServerCoreAutoConfiguration;
import dev.servercore.core.EchoHandler;
import dev.servercore.core.Session;
import dev.servercore.core.SessionHandler;
import dev.servercore.example.game.Chat;
import dev.servercore.example.game.Move;
import dev.servercore.example.game.Position;
import dev.servercore.support.IdPackets;
import dev.servercore.support.TestClient;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PacketHandlerAutoConfiguration} and {@link PacketHandlerMethods}: controllers replace the
 * echo, a codec bean adds a format, and each mistake fails start-up with a message naming the method and type.
 */
class PacketHandlerValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PacketHandlerAutoConfiguration.class, ServerCoreAutoConfiguration.class))
		.withPropertyValues("servercore.host=127.0.0.1", "servercore.port=0", "servercore.io.workers=1",
				"servercore.framing=length-prefixed", "servercore.packet.id-field-bytes=2");

	@Test
	void withoutControllersTheEchoStays() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(PacketDispatcher.class)
			.getBean(SessionHandler.class)
			.isInstanceOf(EchoHandler.class));
	}

	@Test
	void controllersReplaceTheEcho() {
		this.runner.withUserConfiguration(MoveController.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(SessionHandler.class)
				.isInstanceOf(PacketDispatcher.class));
	}

	@Test
	void anApplicationSessionHandlerWinsOverControllers() {
		this.runner.withUserConfiguration(MoveController.class, OwnHandler.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(PacketDispatcher.class)
				.getBean(SessionHandler.class)
				.isNotInstanceOf(EchoHandler.class));
	}

	@Test
	void aCodecBeanAddsAFormat() {
		this.runner.withUserConfiguration(TextController.class, TextCodecConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			int port = Integer.parseInt(context.getEnvironment().getProperty("local.servercore.port"));
			IdPackets header = new IdPackets(4, 2, ByteOrder.BIG_ENDIAN, false);
			try (TestClient client = TestClient.connect(port)) {
				client.send(header.encode(50, "abc".getBytes(StandardCharsets.UTF_8)));
				IdPackets.Packet reply = header.read(client);
				assertThat(reply.id()).isEqualTo(50);
				assertThat(new String(reply.payload(), StandardCharsets.UTF_8)).isEqualTo("ABC");
			}
		});
	}

	@Test
	void controllersNeedAMessageIdField() {
		this.runner.withUserConfiguration(MoveController.class)
			.withPropertyValues("servercore.packet.id-field-bytes=0")
			.run((context) -> assertFailure(context, "@PacketController beans",
					"servercore.packet.id-field-bytes=2 or 4"));
	}

	@Test
	void anIdFieldOfAnotherSizeOrWithRawFramingFails() {
		this.runner.withPropertyValues("servercore.packet.id-field-bytes=3")
			.run((context) -> assertFailure(context, "servercore.packet.id-field-bytes=3", "0 (none), 2 or 4 bytes"));
		this.runner.withPropertyValues("servercore.framing=raw")
			.run((context) -> assertFailure(context, "servercore.packet.id-field-bytes=2", "servercore.framing is raw"));
	}

	@Test
	void twoHandlersForOneIdFail() {
		this.runner.withUserConfiguration(MoveController.class, OtherMoveController.class)
			.run((context) -> assertFailure(context, "Message id 3 has two @PacketHandler methods",
					"MoveController#move(Move)", "OtherMoveController#moveAgain(Session, Move)"));
	}

	@Test
	void aMessageTypeWithoutCodecFails() {
		this.runner.withUserConfiguration(NoCodecController.class)
			.run((context) -> assertFailure(context, "NoCodecController#handle(Session, Plain)", Plain.class.getName(),
					"which no PacketCodec reads"));
	}

	@Test
	void twoMessageParametersFail() {
		this.runner.withUserConfiguration(TwoMessagesController.class)
			.run((context) -> assertFailure(context, "TwoMessagesController#handle(Move, Chat)", "takes two messages"));
	}

	@Test
	void aHandlerWithoutIdFails() {
		this.runner.withUserConfiguration(NoIdController.class)
			.run((context) -> assertFailure(context, "NoIdController#handle(Session, ByteBuf) has no message id"));
	}

	@Test
	void anIdThatContradictsTheMessageTypeFails() {
		this.runner.withUserConfiguration(WrongIdController.class)
			.run((context) -> assertFailure(context, "WrongIdController#handle(Move) declares id 9",
					"Move has id 3"));
	}

	@Test
	void anIdBeyondTheIdFieldFails() {
		this.runner.withUserConfiguration(LargeIdController.class)
			.run((context) -> assertFailure(context, "LargeIdController#handle(ByteBuf) handles message id 70000",
					"outside 0..65535", "servercore.packet.id-field-bytes=2"));
	}

	@Test
	void aReplyTypeWithoutCodecFails() {
		this.runner.withUserConfiguration(BadReplyController.class)
			.run((context) -> assertFailure(context, "BadReplyController#handle(Move) replies with " + Plain.class.getName(),
					"which no PacketCodec writes"));
	}

	@Test
	void anAsyncReplyOfUnknownTypeFails() {
		this.runner.withUserConfiguration(WildcardReplyController.class)
			.run((context) -> assertFailure(context, "WildcardReplyController#handle(Move) returns", "name the reply type"));
	}

	@Test
	void twoUnknownPacketHandlersFail() {
		this.runner.withUserConfiguration(FallbackController.class, OtherFallbackController.class)
			.run((context) -> assertFailure(context, "Two @UnknownPacketHandler methods",
					"FallbackController#unknown(Session, int, ByteBuf)", "OtherFallbackController#unknown(int)"));
	}

	private static void assertFailure(org.springframework.boot.test.context.assertj.AssertableApplicationContext context,
			String... parts) {
		assertThat(context).hasFailed();
		Throwable cause = context.getStartupFailure();
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		assertThat(cause).isInstanceOf(IllegalStateException.class);
		for (String part : parts) {
			assertThat(cause.getMessage()).contains(part);
		}
	}

	static class Plain {

	}

	@PacketController
	static class MoveController {

		@PacketHandler
		Position move(Move move) {
			return Position.newBuilder().setSeq(move.getSeq()).build();
		}

	}

	@PacketController
	static class OtherMoveController {

		@PacketHandler
		void moveAgain(Session session, Move move) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnHandler {

		@Bean
		SessionHandler ownHandler() {
			return (session, data) -> {
			};
		}

	}

	@PacketController
	static class NoCodecController {

		@PacketHandler(id = 9)
		void handle(Session session, Plain plain) {
		}

	}

	@PacketController
	static class TwoMessagesController {

		@PacketHandler
		void handle(Move move, Chat chat) {
		}

	}

	@PacketController
	static class NoIdController {

		@PacketHandler
		void handle(Session session, ByteBuf payload) {
		}

	}

	@PacketController
	static class WrongIdController {

		@PacketHandler(id = 9)
		void handle(Move move) {
		}

	}

	@PacketController
	static class LargeIdController {

		@PacketHandler(id = 70000)
		void handle(ByteBuf payload) {
		}

	}

	@PacketController
	static class BadReplyController {

		@PacketHandler
		Plain handle(Move move) {
			return new Plain();
		}

	}

	@PacketController
	static class WildcardReplyController {

		@PacketHandler
		Mono<?> handle(Move move) {
			return Mono.empty();
		}

	}

	@PacketController
	static class FallbackController {

		@UnknownPacketHandler
		void unknown(Session session, int id, ByteBuf payload) {
		}

	}

	@PacketController
	static class OtherFallbackController {

		@UnknownPacketHandler
		CompletionStage<ByteBuf> unknown(int id) {
			return null;
		}

	}

	/** A text message of the application's own format, with its own codec. */
	record Text(String value) {

	}

	@PacketController
	static class TextController {

		@PacketHandler
		Text shout(Text text) {
			return new Text(text.value().toUpperCase(java.util.Locale.ROOT));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TextCodecConfiguration {

		@Bean
		PacketCodec textCodec() {
			return new PacketCodec() {

				@Override
				@SuppressWarnings("unchecked")
				public <T> MessageReader<T> reader(Class<T> type) {
					return (type != Text.class) ? null
							: (payload) -> (T) new Text(payload.toString(StandardCharsets.UTF_8));
				}

				@Override
				public <T> MessageWriter<T> writer(Class<T> type) {
					return (type != Text.class) ? null
							: (message, out) -> out.writeCharSequence(((Text) message).value(), StandardCharsets.UTF_8);
				}

				@Override
				public OptionalInt declaredId(Class<?> type) {
					return (type == Text.class) ? OptionalInt.of(50) : OptionalInt.empty();
				}

			};
		}

	}

}
