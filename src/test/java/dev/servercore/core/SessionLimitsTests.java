package dev.servercore.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.servercore.support.CoreServer;
import dev.servercore.support.TestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The per-address session limit over real sockets from two loopback source addresses.
 */
class SessionLimitsTests {

	@Test
	void aThirdSessionFromOneAddressIsRejectedWhileAnotherAddressIsAdmitted() {
		SessionSettings settings = SessionSettings.DEFAULTS.withLimits(0, 2);
		try (CoreServer server = CoreServer.start(settings, new EchoHandler())) {
			List<TestClient> clients = new ArrayList<>();
			try {
				clients.add(TestClient.connect(server.port(), "127.0.0.1"));
				clients.add(TestClient.connect(server.port(), "127.0.0.1"));
				await().atMost(Duration.ofSeconds(10)).until(() -> server.registry().size() == 2);
				TestClient third = TestClient.connect(server.port(), "127.0.0.1");
				clients.add(third);
				assertThat(third.isClosedByServer()).isTrue();
				TestClient other = TestClient.connect(server.port(), "127.0.0.2");
				clients.add(other);
				other.send(new byte[] { 7 });
				assertThat(other.read(1)).containsExactly(7);
				assertThat(server.registry().size()).isEqualTo(3);
				// Counted when the server's side of the channel goes inactive, just after the client saw the close.
				await().atMost(Duration.ofSeconds(10)).until(() -> server.closed("REJECTED_LIMIT") == 1);
				// A closed session frees its address's place.
				clients.get(0).close();
				await().atMost(Duration.ofSeconds(10)).until(() -> server.registry().size() == 2);
				TestClient again = TestClient.connect(server.port(), "127.0.0.1");
				clients.add(again);
				again.send(new byte[] { 8 });
				assertThat(again.read(1)).containsExactly(8);
			}
			finally {
				clients.forEach(TestClient::close);
			}
		}
	}

}
