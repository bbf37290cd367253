package dev.servercore.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.servercore.support.CoreServer;
import dev.servercore.support.TestClient;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer that shuts down its output after its last request still gets the answer, also when the handler sends
 * it later from another thread, as {@link SessionHandler} advises for slow work: a half-closed session stays
 * writable for the half-close grace, then closes with {@link CloseReason#PEER_CLOSED}.
 */
class HalfCloseTests {

	@ParameterizedTest
	@EnumSource(value = Transport.class, names = { "IO_URING", "EPOLL", "NIO" })
	void anAnswerSentFromAnotherThreadAfterTheHalfCloseArrives(Transport transport) throws Exception {
		AtomicReference<Session> last = new AtomicReference<>();
		// Slow work: the answer comes 200 ms later, from another thread.
		SessionHandler later = (session, data) -> {
			last.set(session);
			ByteBuf request = data.retain();
			CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(() -> session.send(request));
		};
		try (CoreServer server = CoreServer.start(transport, SessionSettings.DEFAULTS, later);
				TestClient client = TestClient.connect(server.port())) {
			client.send(new byte[] { 1, 2, 3, 4 });
			await().atMost(Duration.ofSeconds(10)).until(() -> last.get() != null);
			client.socket().shutdownOutput();
			assertThat(client.readToEnd()).containsExactly(1, 2, 3, 4);
			await().atMost(Duration.ofSeconds(10)).until(() -> last.get().closeFuture().toCompletableFuture().isDone());
			assertThat(last.get().closeReason()).isEqualTo(CloseReason.PEER_CLOSED);
		}
	}

}
