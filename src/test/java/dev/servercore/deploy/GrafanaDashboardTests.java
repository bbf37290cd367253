package dev.servercore.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.servercore.support.TestClient;
import dev.servercore.app.ServerCoreApplication;
import dev.servercore.support.EchoHandlerConfiguration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's Grafana dashboard: valid JSON whose every query uses only metrics, and labels, that a real
 * {@code /actuator/prometheus} scrape of the running application contains after some traffic.
 */
// The same context as ServerCoreApplicationTests (Spring's test context cache starts it once).
@Import(EchoHandlerConfiguration.class)
@SpringBootTest(classes = ServerCoreApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "servercore.port=0")
class GrafanaDashboardTests {

	static final Path DASHBOARD = HelmChart.CHART.resolve("dashboards").resolve("servercore.json");

	// Labels Prometheus adds to every scraped series (the target's), not the application.
	private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

	private static final Pattern SAMPLE = Pattern.compile("^([A-Za-z_:][\\w:]*)(?:\\{(.*)\\})?\\s");

	private static final Pattern LABEL = Pattern.compile("([A-Za-z_]\\w*)=\"");

	@Value("${local.servercore.port}")
	int port;

	@LocalServerPort
	int managementPort;

	@Test
	void dashboardIsValidJsonWithQueriesOnTheDataSourceVariable() throws Exception {
		JsonNode dashboard = readDashboard();
		assertThat(dashboard.path("title").asString()).isEqualTo("servercore");
		assertThat(dashboard.path("uid").asString()).isEqualTo("servercore");
		List<JsonNode> targets = targets(dashboard);
		assertThat(targets).hasSizeGreaterThan(10);
		for (JsonNode target : targets) {
			assertThat(target.path("expr").asString()).isNotBlank();
			assertThat(target.path("datasource").path("uid").asString()).isEqualTo("${datasource}");
		}
	}

	@Test
	void dashboardShowsWhatAnOperatorNeeds() throws Exception {
		Set<String> used = new LinkedHashSet<>();
		queries(readDashboard()).forEach((query) -> used.addAll(PromQl.metricNames(query)));
		assertThat(used).contains("servercore_sessions_active_sessions", "servercore_sessions_opened_sessions_total",
				"servercore_sessions_closed_sessions_total", "servercore_received_bytes_total",
				"servercore_read_bytes_bucket", "servercore_send_queued_bytes", "servercore_loop_lag_seconds_bucket",
				"jvm_memory_used_bytes");
		String all = String.join("\n", queries(readDashboard()));
		assertThat(all).contains("by (reason)").contains("by (instance, loop, le)").contains("by (instance, area)");
	}

	@Test
	void promQlNamesAreTakenFromSelectorsNotFromFunctionsLabelsOrVariables() {
		String query = "histogram_quantile(0.99, sum by (le, loop) (rate(servercore_loop_lag_seconds_bucket"
				+ "{job=~\"$job\", area=\"heap\"}[$__rate_interval]))) / ignoring(loop) servercore_x offset 5m > bool 0";
		assertThat(PromQl.metricNames(query)).containsExactly("servercore_loop_lag_seconds_bucket", "servercore_x");
		assertThat(PromQl.labelNames(query)).containsExactlyInAnyOrder("job", "area", "le", "loop");
		String variable = "label_values(servercore_sessions_active_sessions{job=~\"$job\"}, instance)";
		assertThat(PromQl.metricNames(variable)).containsExactly("servercore_sessions_active_sessions");
		assertThat(PromQl.labelNames(variable)).containsExactlyInAnyOrder("job", "instance");
	}

	@Test
	void everyMetricTheDashboardQueriesIsInARealScrapeAfterTraffic() throws Exception {
		Map<String, Set<String>> scraped = scrapeAfterTraffic();
		Set<String> missing = new TreeSet<>();
		for (String query : queries(readDashboard())) {
			for (String name : PromQl.metricNames(query)) {
				if (!scraped.containsKey(name)) {
					missing.add(name);
				}
			}
		}
		assertThat(missing).as("metrics the dashboard queries but /actuator/prometheus does not export").isEmpty();
	}

	@Test
	void everyLabelTheDashboardFiltersOrGroupsByIsOnTheQueriedMetrics() throws Exception {
		Map<String, Set<String>> scraped = scrapeAfterTraffic();
		List<String> wrong = new ArrayList<>();
		for (String query : queries(readDashboard())) {
			Set<String> names = PromQl.metricNames(query);
			if (!scraped.keySet().containsAll(names)) {
				// A missing metric is reported by everyMetricTheDashboardQueriesIsInARealScrapeAfterTraffic.
				continue;
			}
			for (String label : PromQl.labelNames(query)) {
				boolean present = TARGET_LABELS.contains(label)
						|| names.stream().anyMatch((name) -> scraped.get(name).contains(label));
				if (!present) {
					wrong.add(label + " in " + query);
				}
			}
		}
		assertThat(wrong).as("labels that none of the query's metrics carry").isEmpty();
	}

	// Echoes through real sockets, then one scrape: sample name -> label names seen on it.
	private Map<String, Set<String>> scrapeAfterTraffic() throws Exception {
		for (int i = 0; i < 3; i++) {
			try (TestClient client = TestClient.connect(this.port)) {
				byte[] message = ("hello " + i).repeat(20).getBytes(StandardCharsets.UTF_8);
				client.send(message);
				assertThat(client.read(message.length)).isEqualTo(message);
			}
		}
		HttpResponse<String> scrape = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + "/actuator/prometheus"))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(scrape.statusCode()).isEqualTo(200);
		Map<String, Set<String>> samples = new HashMap<>();
		for (String line : scrape.body().split("\n")) {
			Matcher sample = SAMPLE.matcher(line);
			if (line.startsWith("#") || !sample.find()) {
				continue;
			}
			Set<String> labels = samples.computeIfAbsent(sample.group(1), (name) -> new LinkedHashSet<>());
			if (sample.group(2) != null) {
				Matcher label = LABEL.matcher(sample.group(2));
				while (label.find()) {
					labels.add(label.group(1));
				}
			}
		}
		assertThat(samples).containsKey("servercore_read_bytes_count");
		return samples;
	}

	private static JsonNode readDashboard() throws Exception {
		return JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
	}

	// Every panel target (rows may nest panels) and every variable query.
	private static List<JsonNode> targets(JsonNode dashboard) {
		List<JsonNode> targets = new ArrayList<>();
		List<JsonNode> panels = new ArrayList<>(dashboard.path("panels").values());
		while (!panels.isEmpty()) {
			JsonNode panel = panels.remove(0);
			panel.path("targets").values().forEach(targets::add);
			panels.addAll(panel.path("panels").values());
		}
		return targets;
	}

	private static List<String> queries(JsonNode dashboard) {
		List<String> queries = new ArrayList<>();
		targets(dashboard).forEach((target) -> queries.add(target.path("expr").asString()));
		for (JsonNode variable : dashboard.path("templating").path("list").values()) {
			if ("query".equals(variable.path("type").asString())) {
				JsonNode query = variable.path("query");
				queries.add(query.isString() ? query.asString() : query.path("query").asString());
			}
		}
		return queries;
	}

}
