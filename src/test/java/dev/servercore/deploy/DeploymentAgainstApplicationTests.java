package dev.servercore.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import dev.servercore.app.ServerCoreApplication;
import dev.servercore.deploy.HelmChart.Manifests;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import static dev.servercore.deploy.HelmChart.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rendered chart against the running application: the probe and scrape paths the chart gives Kubernetes
 * are the ones the application serves, and the readiness probe follows the application's readiness.
 */
// The same context as ServerCoreApplicationTests (Spring's test context cache starts it once).
@SpringBootTest(classes = ServerCoreApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "servercore.port=0")
class DeploymentAgainstApplicationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Manifests DEFAULTS = HelmChart.servercore().render(Map.of());

	@LocalServerPort
	int managementPort;

	@Autowired
	PathMappedEndpoints endpoints;

	@Autowired
	HealthEndpointGroups healthGroups;

	@Autowired
	ApplicationContext context;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void probePathsAreExactlyTheApplicationsLivenessAndReadinessPaths() throws Exception {
		Map<String, Object> container = at(DEFAULTS.get("Deployment", HelmChart.RELEASE), "spec.template.spec.containers.0");
		String health = this.endpoints.getPath(EndpointId.of("health"));
		assertThat(this.healthGroups.getNames()).contains("liveness", "readiness");
		assertThat(at(container, "startupProbe.httpGet.path").toString()).isEqualTo(health + "/liveness");
		assertThat(at(container, "livenessProbe.httpGet.path").toString()).isEqualTo(health + "/liveness");
		assertThat(at(container, "readinessProbe.httpGet.path").toString()).isEqualTo(health + "/readiness");
		for (String probe : new String[] { "startupProbe", "livenessProbe", "readinessProbe" }) {
			HttpResponse<String> answer = get(at(container, probe + ".httpGet.path").toString());
			assertThat(answer.statusCode()).as(probe).isEqualTo(200);
			assertThat(answer.body()).as(probe).contains("\"status\":\"UP\"");
		}
	}

	@Test
	void readinessProbeFollowsTheApplicationsReadinessAndLivenessDoesNot() throws Exception {
		Map<String, Object> container = at(DEFAULTS.get("Deployment", HelmChart.RELEASE), "spec.template.spec.containers.0");
		String readiness = at(container, "readinessProbe.httpGet.path").toString();
		String liveness = at(container, "livenessProbe.httpGet.path").toString();
		// What the drain publishes first: Kubernetes must take the pod out of the endpoints, not restart it.
		AvailabilityChangeEvent.publish(this.context, ReadinessState.REFUSING_TRAFFIC);
		try {
			await().atMost(WAIT).until(() -> get(readiness).statusCode() == 503);
			assertThat(get(liveness).statusCode()).isEqualTo(200);
		}
		finally {
			AvailabilityChangeEvent.publish(this.context, ReadinessState.ACCEPTING_TRAFFIC);
		}
		await().atMost(WAIT).until(() -> get(readiness).statusCode() == 200);
	}

	@Test
	void serviceMonitorScrapesTheApplicationsPrometheusEndpoint() throws Exception {
		Manifests all = HelmChart.servercore().render(HelmChart.ALL_ENABLED_VALUES, Map.of());
		String path = at(all.get("ServiceMonitor", HelmChart.RELEASE), "spec.endpoints.0.path").toString();
		assertThat(path).isEqualTo(this.endpoints.getPath(EndpointId.of("prometheus")));
		HttpResponse<String> scrape = get(path);
		assertThat(scrape.statusCode()).isEqualTo(200);
		assertThat(scrape.body()).containsPattern("(?m)^servercore_sessions_active_sessions ");
	}

	private HttpResponse<String> get(String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + path))
			.timeout(WAIT)
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
