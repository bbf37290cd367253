package dev.servercore.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A blocking HTTP client for Actuator on loopback, with a timeout on every request, and a reader of the
 * Prometheus scrape.
 */
public final class ActuatorClient {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	private final int port;

	public ActuatorClient(int port) {
		this.port = port;
	}

	public HttpResponse<String> get(String path) {
		return send(request(path).GET().build());
	}

	public HttpResponse<String> delete(String path) {
		return send(request(path).DELETE().build());
	}

	/**
	 * Returns the status code of a GET.
	 * @param path the path
	 * @return the status code
	 */
	public int status(String path) {
		return get(path).statusCode();
	}

	/**
	 * Scrapes {@code /actuator/prometheus} and returns its {@code servercore_} samples.
	 * @return each sample line's name and labels, mapped to its value, in scrape order
	 */
	public Map<String, Double> servercoreSamples() {
		HttpResponse<String> scrape = get("/actuator/prometheus");
		if (scrape.statusCode() != 200) {
			throw new IllegalStateException("scrape answered " + scrape.statusCode());
		}
		Map<String, Double> samples = new LinkedHashMap<>();
		for (String line : scrape.body().split("\n")) {
			if (line.startsWith("servercore_")) {
				int space = line.lastIndexOf(' ');
				samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
			}
		}
		return samples;
	}

	/**
	 * Returns the {@code # HELP} lines of the scrape's {@code servercore_} families.
	 * @return the help lines
	 */
	public List<String> servercoreHelp() {
		return get("/actuator/prometheus").body()
			.lines()
			.filter((line) -> line.startsWith("# HELP servercore_"))
			.toList();
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).timeout(TIMEOUT);
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
