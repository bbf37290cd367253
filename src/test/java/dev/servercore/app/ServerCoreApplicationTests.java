package dev.servercore.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.servercore.core.Session;
import dev.servercore.core.SessionRegistry;
import dev.servercore.support.EchoHandlerConfiguration;
import dev.servercore.support.TestClient;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole service, with its defaults, on ephemeral ports: echo, the registry, post, broadcast, Actuator.
 */
@Import(EchoHandlerConfiguration.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "servercore.port=0")
class ServerCoreApplicationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Value("${local.servercore.port}")
	int port;

	@LocalServerPort
	int managementPort;

	@Autowired
	SessionRegistry registry;

	@BeforeEach
	void noSessionLeftByAnotherTest() {
		await().atMost(WAIT).until(() -> this.registry.size() == 0);
	}

	@Test
	void oneMebibyteThroughOneSessionComesBackIntactAndInOrder() throws Exception {
		byte[] data = new byte[1024 * 1024];
		new Random(42).nextBytes(data);
		try (TestClient client = TestClient.connect(this.port)) {
			// Write from another thread: the echo comes back while we are still sending.
			CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> client.send(data));
			byte[] echoed = client.read(data.length);
			writer.get(20, TimeUnit.SECONDS);
			assertThat(echoed).isEqualTo(data);
		}
	}

	@Test
	void theLastMessageBeforeThePeerShutsDownItsOutputIsStillAnswered() throws Exception {
		try (TestClient client = TestClient.connect(this.port)) {
			byte[] last = "last words".getBytes(StandardCharsets.UTF_8);
			client.send(last);
			client.socket().shutdownOutput();
			assertThat(client.readToEnd()).isEqualTo(last);
		}
	}

	@Test
	void twoHundredConcurrentSessionsEachEchoCorrectly() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(50);
		try {
			List<Future<Boolean>> results = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				int id = i;
				results.add(pool.submit(() -> {
					try (TestClient client = TestClient.connect(this.port)) {
						byte[] message = ("session " + id + " says hello").repeat(10).getBytes(StandardCharsets.UTF_8);
						for (int round = 0; round < 5; round++) {
							client.send(message);
							if (!java.util.Arrays.equals(client.read(message.length), message)) {
								return false;
							}
						}
						return true;
					}
				}));
			}
			for (Future<Boolean> result : results) {
				assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void registrySizeFollowsConnectionsAndReturnsToZeroIncludingResets() {
		List<TestClient> clients = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			clients.add(TestClient.connect(this.port));
		}
		await().atMost(WAIT).until(() -> this.registry.size() == 20);
		for (int i = 0; i < clients.size(); i++) {
			TestClient client = clients.get(i);
			if (i % 2 == 0) {
				client.close();
			}
			else {
				// Mid-stream: bytes in flight, then a reset (SO_LINGER 0).
				client.send(new byte[4096]);
				client.reset();
			}
		}
		await().atMost(WAIT).until(() -> this.registry.size() == 0);
	}

	@Test
	void postRunsOnTheSessionsOwnEventLoop() throws Exception {
		try (TestClient client = TestClient.connect(this.port)) {
			await().atMost(WAIT).until(() -> this.registry.size() == 1);
			Session session = this.registry.snapshot().get(0);
			CompletableFuture<String> ranOn = new CompletableFuture<>();
			session.post(() -> ranOn.complete(session.eventLoop().inEventLoop() ? Thread.currentThread().getName() : "elsewhere"));
			assertThat(ranOn.get(10, TimeUnit.SECONDS)).startsWith("servercore-io-");
			assertThat(this.registry.find(session.id())).containsSame(session);
			// The configured write-buffer water marks (defaults 32 KiB / 64 KiB) are on the session's channel.
			assertThat(session.channel().config().getWriteBufferLowWaterMark()).isEqualTo(32 * 1024);
			assertThat(session.channel().config().getWriteBufferHighWaterMark()).isEqualTo(64 * 1024);
			// A session gets 4 reads per turn of its loop (servercore.io.max-messages-per-read), not Netty's 16.
			assertThat(session.channel().config().<MaxMessagesRecvByteBufAllocator>getRecvByteBufAllocator()
				.maxMessagesPerRead()).isEqualTo(4);
			// Bounded kernel buffers (servercore.io.socket-send-buffer 64KB, -receive-buffer 256KB; Linux reserves twice).
			assertThat(session.channel().config().getOption(ChannelOption.SO_SNDBUF)).isEqualTo(128 * 1024);
			assertThat(session.channel().config().getOption(ChannelOption.SO_RCVBUF)).isEqualTo(512 * 1024);
		}
	}

	@Test
	void broadcastReachesEveryOpenSession() {
		List<TestClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 5; i++) {
				clients.add(TestClient.connect(this.port));
			}
			await().atMost(WAIT).until(() -> this.registry.size() == 5);
			byte[] news = "server news".getBytes(StandardCharsets.UTF_8);
			assertThat(this.registry.broadcast(Unpooled.wrappedBuffer(news))).isEqualTo(5);
			for (TestClient client : clients) {
				assertThat(client.read(news.length)).isEqualTo(news);
			}
		}
		finally {
			clients.forEach(TestClient::close);
		}
	}

	@Test
	void healthIsUpAndPrometheusShowsTheReceiveMetricAfterTraffic() throws Exception {
		try (TestClient client = TestClient.connect(this.port)) {
			client.send(new byte[100]);
			client.read(100);
		}
		HttpClient http = HttpClient.newHttpClient();
		HttpResponse<String> health = http.send(get("/actuator/health"), HttpResponse.BodyHandlers.ofString());
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"status\":\"UP\"");
		HttpResponse<String> scrape = http.send(get("/actuator/prometheus"), HttpResponse.BodyHandlers.ofString());
		assertThat(scrape.statusCode()).isEqualTo(200);
		assertThat(scrape.body()).containsPattern("(?m)^servercore_read_bytes_count [1-9]")
			.containsPattern("(?m)^servercore_read_bytes_sum [1-9]")
			.contains("servercore_sessions_active");
		assertThat(scrape.body()).doesNotContain("remote_address").doesNotContain("127.0.0.1");
	}

	private HttpRequest get(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + path))
			.timeout(Duration.ofSeconds(10))
			.build();
	}

}
