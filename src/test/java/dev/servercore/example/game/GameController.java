package dev.servercore.example.game;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

import dev.servercore.core.CloseReason;
import dev.servercore.core.Session;
import dev.servercore.packet.PacketController;
import dev.servercore.packet.PacketHandler;
import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Mono;

/**
 * The example game protocol's handlers: {@code login}, {@code move} and {@code chat} from
 * {@code game.proto}, a JSON {@link Emote}, a raw {@code ByteBuf} packet and a protobuf {@link Echo}.
 */
@PacketController
public class GameController {

	/** Message id of the raw packet: its payload comes back reversed. */
	public static final int RAW_REVERSE_ID = 30;

	/** Message id that closes the session from the handler. */
	public static final int QUIT_ID = 31;

	private final AtomicLong players = new AtomicLong();

	/** A login answered later, as a lookup in a player store would be. */
	@PacketHandler
	CompletionStage<LoginResult> login(Session session, Login login) {
		if (login.getName().isBlank()) {
			return CompletableFuture.completedFuture(LoginResult.newBuilder().setOk(false).setReason("name required").build());
		}
		LoginResult result = LoginResult.newBuilder().setOk(true).setPlayerId(this.players.incrementAndGet()).build();
		return CompletableFuture.supplyAsync(() -> result, CompletableFuture.delayedExecutor(20, java.util.concurrent.TimeUnit.MILLISECONDS));
	}

	/** A move answered at once with the position the server accepted. */
	@PacketHandler
	Position move(Move move) {
		return Position.newBuilder().setX(move.getX()).setY(move.getY()).setSeq(move.getSeq()).build();
	}

	/** A chat line answered through a Mono, after a short delay, with the sender filled in. */
	@PacketHandler
	Mono<Chat> chat(Session session, Chat chat) {
		return Mono.just(chat.toBuilder().setFrom("session-" + session.id()).build()).delayElement(Duration.ofMillis(5));
	}

	@PacketHandler
	Emote emote(Emote emote) {
		return emote;
	}

	@PacketHandler
	Echo echo(Echo echo) {
		return echo;
	}

	@PacketHandler(id = RAW_REVERSE_ID)
	ByteBuf reverse(ByteBuf payload, Session session) {
		ByteBuf reversed = session.channel().alloc().buffer(payload.readableBytes());
		for (int i = payload.writerIndex() - 1; i >= payload.readerIndex(); i--) {
			reversed.writeByte(payload.getByte(i));
		}
		return reversed;
	}

	@PacketHandler(id = QUIT_ID)
	void quit(Session session) {
		session.close(CloseReason.CLOSED_BY_APPLICATION);
	}

}
