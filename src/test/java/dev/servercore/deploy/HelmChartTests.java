package dev.servercore.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import com.marcnuri.helm.LintResult;
import dev.servercore.autoconfigure.ServerCoreProperties;
import dev.servercore.deploy.HelmChart.Manifests;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.convert.DurationStyle;

import static dev.servercore.deploy.HelmChart.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The Helm chart, linted and rendered without a cluster, against what the application and its image really
 * use: ports from the shipped settings (servercore's defaults), the drain from the rendered configuration, the
 * image name from the Maven project, the user from the Dockerfile.
 */
class HelmChartTests {

	private static final String NAME = HelmChart.RELEASE;

	private final HelmChart chart = HelmChart.servercore();

	private final ApplicationSettings app = ApplicationSettings.shipped();

	@Test
	void lintStrictPassesWithDefaultValues() {
		assertLintClean(this.chart.lint());
	}

	@Test
	void lintStrictPassesWithEveryOptionalObjectEnabled() {
		assertLintClean(this.chart.lint(HelmChart.ALL_ENABLED_VALUES));
	}

	@Test
	void defaultsRenderOnlyTheDeploymentItsConfigMapAndTwoServices() {
		Manifests defaults = this.chart.render(Map.of());
		assertThat(defaults.kinds()).containsExactlyInAnyOrder("ConfigMap", "Service", "Service", "Deployment");
		assertThat(at(defaults.get("Service", NAME + "-management"), "spec.type").toString()).isEqualTo("ClusterIP");
		assertThat(at(defaults.get("Deployment", NAME), "spec.replicas").toString()).isEqualTo("1");
	}

	@Test
	void everyOptionalObjectRendersWhenEnabled() throws IOException {
		Manifests all = this.chart.render(HelmChart.ALL_ENABLED_VALUES, Map.of());
		assertThat(all.kinds()).contains("PodDisruptionBudget", "HorizontalPodAutoscaler", "ServiceMonitor",
				"NetworkPolicy", "ServiceAccount");
		// The autoscaler owns the replica count.
		assertThat((Object) at(all.get("Deployment", NAME), "spec.replicas")).isNull();
		assertThat(at(all.get("HorizontalPodAutoscaler", NAME), "spec.scaleTargetRef.name").toString()).isEqualTo(NAME);
		assertThat(at(all.get("Deployment", NAME), "spec.template.spec.serviceAccountName").toString()).isEqualTo(NAME);
		Map<String, Object> monitor = all.get("ServiceMonitor", NAME);
		assertThat(at(monitor, "spec.endpoints.0.port").toString()).isEqualTo("management");
		// It selects the management Service and not the game's TCP Service.
		Map<String, Object> selector = at(monitor, "spec.selector.matchLabels");
		Map<String, Object> managementLabels = at(all.get("Service", NAME + "-management"), "metadata.labels");
		Map<String, Object> tcpLabels = at(all.get("Service", NAME), "metadata.labels");
		assertThat(managementLabels).containsAllEntriesOf(selector);
		assertThat(tcpLabels.entrySet().containsAll(selector.entrySet())).as("the TCP Service matches too").isFalse();
		Map<String, Object> policy = all.get("NetworkPolicy", NAME);
		assertThat(at(policy, "spec.ingress.0.ports.0.port").toString()).isEqualTo("tcp");
		assertThat(at(policy, "spec.ingress.1.ports.0.port").toString()).isEqualTo("management");
		Map<String, Object> dashboard = all.get("ConfigMap", NAME + "-dashboard");
		assertThat(at(dashboard, "metadata.labels.grafana_dashboard").toString()).isEqualTo("1");
		Map<String, Object> data = at(dashboard, "data");
		assertThat(data.get("servercore.json").toString().strip())
			.isEqualTo(Files.readString(GrafanaDashboardTests.DASHBOARD).strip());
		Map<String, Object> service = all.get("Service", NAME);
		assertThat(at(service, "spec.type").toString()).isEqualTo("LoadBalancer");
		assertThat(at(service, "spec.externalTrafficPolicy").toString()).isEqualTo("Local");
	}

	@Test
	void theClusterTakesItsNodeIdFromThePodNameAndRedisFromAUrlOrAnExistingSecret() {
		List<Map<String, Object>> off = at(container(this.chart.render(Map.of())), "env");
		assertThat(off).noneMatch((env) -> env.get("name").toString().startsWith("SERVERCORE_CLUSTER"));

		Map<String, Map<String, Object>> withUrl = envByName(container(this.chart
			.render(Map.of("cluster.enabled", true, "cluster.redis.url", "redis://redis-master:6379"))));
		assertThat(withUrl.get("SERVERCORE_CLUSTER_ENABLED").get("value")).isEqualTo("true");
		assertThat(at(withUrl.get("POD_NAME"), "valueFrom.fieldRef.fieldPath").toString()).isEqualTo("metadata.name");
		assertThat(withUrl.get("SERVERCORE_CLUSTER_NODE_ID").get("value")).isEqualTo("$(POD_NAME)");
		assertThat(withUrl.get("SPRING_DATA_REDIS_URL").get("value")).isEqualTo("redis://redis-master:6379");
		// The node id refers to POD_NAME, so POD_NAME must come first.
		List<String> names = List.copyOf(withUrl.keySet());
		assertThat(names.indexOf("POD_NAME")).isLessThan(names.indexOf("SERVERCORE_CLUSTER_NODE_ID"));

		Map<String, Map<String, Object>> withSecret = envByName(container(
				this.chart.render(HelmChart.ALL_ENABLED_VALUES, Map.of("cluster.redis.passwordKey", "redis-password"))));
		assertThat(at(withSecret.get("SPRING_DATA_REDIS_HOST"), "valueFrom.secretKeyRef.name").toString())
			.isEqualTo("servercore-redis");
		assertThat(at(withSecret.get("SPRING_DATA_REDIS_PASSWORD"), "valueFrom.secretKeyRef.key").toString())
			.isEqualTo("redis-password");
		assertThat(withSecret).doesNotContainKey("SPRING_DATA_REDIS_URL");
		// The application binds these names: SERVERCORE_CLUSTER_NODE_ID is servercore.cluster.node-id.
		assertThat(new ServerCoreProperties().getCluster().getNodeId()).isEmpty();

		assertThatIllegalStateException().isThrownBy(() -> this.chart.render(Map.of("cluster.enabled", true)))
			.withMessageContaining("cluster.redis.url or cluster.redis.existingSecret");
	}

	private static Map<String, Map<String, Object>> envByName(Map<String, Object> container) {
		List<Map<String, Object>> env = at(container, "env");
		Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
		env.forEach((variable) -> byName.put(variable.get("name").toString(), variable));
		return byName;
	}

	@Test
	void containerPortsAndTheRenderedConfigAreTheApplicationsConfiguredPorts() {
		Manifests defaults = this.chart.render(Map.of());
		Map<String, Object> container = container(defaults);
		Map<String, Integer> ports = new LinkedHashMap<>();
		List<Map<String, Object>> declared = at(container, "ports");
		declared.forEach((port) -> ports.put(port.get("name").toString(), (Integer) port.get("containerPort")));
		assertThat(ports).containsExactly(Map.entry("tcp", this.app.tcpPort()),
				Map.entry("management", this.app.managementPort()));
		// What the pod's Spring reads says the same.
		Map<String, Object> config = renderedApplicationYaml(defaults);
		assertThat((Integer) at(config, "servercore.port")).isEqualTo(this.app.tcpPort());
		assertThat((Integer) at(config, "server.port")).isEqualTo(this.app.managementPort());
		// The Services send to those ports by name.
		assertThat(at(defaults.get("Service", NAME), "spec.ports.0.targetPort").toString()).isEqualTo("tcp");
		assertThat((Object) at(defaults.get("Service", NAME), "spec.ports.0.port")).isEqualTo(this.app.tcpPort());
		assertThat(at(defaults.get("Service", NAME + "-management"), "spec.ports.0.targetPort").toString())
			.isEqualTo("management");
	}

	@Test
	void theChartsDefaultDrainIsTheApplicationsDefaultDrain() {
		Map<String, Object> config = renderedApplicationYaml(this.chart.render(Map.of()));
		Duration drain = DurationStyle.detectAndParse(at(config, "servercore.shutdown.drain-timeout").toString());
		assertThat(drain).isEqualTo(new ServerCoreProperties().getShutdown().getDrainTimeout());
	}

	@Test
	void movingThePortsMovesContainerPortsAndConfigTogether() {
		Manifests moved = this.chart.render(Map.of("ports.tcp", 17000, "ports.management", 18081));
		assertThat((Object) at(container(moved), "ports.0.containerPort")).isEqualTo(17000);
		assertThat((Object) at(container(moved), "ports.1.containerPort")).isEqualTo(18081);
		assertThat((Integer) at(renderedApplicationYaml(moved), "servercore.port")).isEqualTo(17000);
		assertThat((Integer) at(renderedApplicationYaml(moved), "server.port")).isEqualTo(18081);
	}

	@Test
	void startupLivenessAndReadinessProbesAskTheManagementPort() {
		Map<String, Object> container = container(this.chart.render(Map.of()));
		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			assertThat(at(container, probe + ".httpGet.port").toString()).as(probe).isEqualTo("management");
		}
		// The exact paths are checked against the running application in DeploymentAgainstApplicationTests.
		assertThat(at(container, "startupProbe.httpGet.path").toString())
			.isEqualTo(at(container, "livenessProbe.httpGet.path").toString());
	}

	@Test
	void theProbeSnippetInTheHealthPageIsWhatTheChartRenders() throws IOException {
		String page = Files.readString(Path.of("docs", "health.md"));
		Matcher snippet = Pattern.compile("(?s)```yaml\n(# in the pod spec.*?)```").matcher(page);
		assertThat(snippet.find()).as("the pod spec snippet in docs/health.md").isTrue();
		Map<String, Object> documented = HelmChart.<List<Map<String, Object>>>at(new Yaml().load(snippet.group(1)),
				"containers").get(0);
		Map<String, Object> rendered = container(this.chart.render(Map.of()));
		for (String probe : List.of("livenessProbe", "readinessProbe")) {
			for (String field : List.of("httpGet.path", "periodSeconds", "failureThreshold")) {
				assertThat((Object) at(documented, probe + "." + field)).as(probe + "." + field)
					.isEqualTo(at(rendered, probe + "." + field));
			}
		}
	}

	@Test
	void gracePeriodExceedsPreStopPauseAndDrainTimeout() {
		assertGracePeriodCoversTheDrain(this.chart.render(Map.of()));
		assertGracePeriodCoversTheDrain(this.chart.render(HelmChart.ALL_ENABLED_VALUES, Map.of()));
		assertGracePeriodCoversTheDrain(this.chart.render(Map.of("shutdown.drainTimeoutSeconds", 120)));
	}

	@Test
	void gracePeriodTooShortForTheDrainIsRefused() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.chart.render(Map.of("terminationGracePeriodSeconds", 25)))
			.withMessageContaining("terminationGracePeriodSeconds (25) must be at least");
		assertThatIllegalStateException()
			.isThrownBy(() -> this.chart.render(Map.of("shutdown.drainTimeoutSeconds", 60, "terminationGracePeriodSeconds", 60)))
			.withMessageContaining("10 + 60 + 10 = 80");
		Map<String, Object> pod = at(this.chart.render(Map.of("terminationGracePeriodSeconds", 300)).get("Deployment", NAME),
				"spec.template.spec");
		assertThat(pod.get("terminationGracePeriodSeconds")).isEqualTo(300);
	}

	@Test
	void preStopCanRunSleepInsideTheContainerForOlderClusters() {
		Map<String, Object> container = container(this.chart.render(Map.of("shutdown.preStopAction", "exec")));
		assertThat(HelmChart.<List<Object>>at(container, "lifecycle.preStop.exec.command")).containsExactly("sleep", "10");
		assertThatIllegalStateException().isThrownBy(() -> this.chart.render(Map.of("shutdown.preStopAction", "wait")))
			.withMessageContaining("shutdown.preStopAction must be sleep or exec");
	}

	@Test
	void theChartsKubeVersionIsTheRequirementTheChartReadmeStates() throws IOException {
		Map<String, Object> chartYaml = new Yaml().load(Files.readString(HelmChart.CHART.resolve("Chart.yaml")));
		Matcher minimum = Pattern.compile("^>=(\\d+)\\.(\\d+)\\.0-0$")
			.matcher(String.valueOf(chartYaml.get("kubeVersion")));
		assertThat(minimum.matches()).as("kubeVersion >=major.minor.0-0 in Chart.yaml").isTrue();
		String version = minimum.group(1) + "." + minimum.group(2);
		assertThat(Files.readString(HelmChart.CHART.resolve("README.md")))
			.contains("The chart needs Kubernetes " + version + " or later (`kubeVersion` in `Chart.yaml`)");
	}

	@Test
	void podRunsAsNonRootOnAReadOnlyRootFilesystemWithoutCapabilities() {
		Manifests defaults = this.chart.render(Map.of());
		Map<String, Object> pod = at(defaults.get("Deployment", NAME), "spec.template.spec");
		assertThat((Boolean) at(pod, "securityContext.runAsNonRoot")).isTrue();
		assertThat((Integer) at(pod, "securityContext.runAsUser")).isPositive();
		assertThat(at(pod, "securityContext.seccompProfile.type").toString()).isEqualTo("RuntimeDefault");
		assertThat((Boolean) pod.get("automountServiceAccountToken")).isFalse();
		Map<String, Object> container = container(defaults);
		assertThat((Boolean) at(container, "securityContext.runAsNonRoot")).isTrue();
		assertThat((Boolean) at(container, "securityContext.allowPrivilegeEscalation")).isFalse();
		assertThat((Boolean) at(container, "securityContext.readOnlyRootFilesystem")).isTrue();
		assertThat((Boolean) at(container, "securityContext.privileged")).isFalse();
		assertThat(HelmChart.<List<Object>>at(container, "securityContext.capabilities.drop")).containsExactly("ALL");
		assertThat((Object) at(container, "securityContext.capabilities.add")).isNull();
	}

	@Test
	void tmpIsAWritableEmptyDirAndTheConfigIsMountedReadOnly() {
		Manifests defaults = this.chart.render(Map.of());
		Map<String, Object> pod = at(defaults.get("Deployment", NAME), "spec.template.spec");
		Map<String, String> mountPaths = new LinkedHashMap<>();
		List<Map<String, Object>> mounts = at(container(defaults), "volumeMounts");
		mounts.forEach((mount) -> mountPaths.put(mount.get("name").toString(), mount.get("mountPath").toString()));
		assertThat(mountPaths).containsEntry("tmp", "/tmp");
		List<Map<String, Object>> volumes = at(pod, "volumes");
		Map<String, Object> tmp = volumes.stream().filter((volume) -> "tmp".equals(volume.get("name"))).findFirst().orElseThrow();
		assertThat(tmp).containsKey("emptyDir");
		assertThat(mounts).filteredOn((mount) -> !"tmp".equals(mount.get("name")))
			.allSatisfy((mount) -> assertThat(mount.get("readOnly")).isEqualTo(true));
		// Spring reads the ConfigMap's file from where it is mounted.
		String location = env(container(defaults)).get("SPRING_CONFIG_ADDITIONAL_LOCATION");
		assertThat(location).isEqualTo("file:" + mountPaths.get("config") + "/application.yaml");
		Map<String, Object> configMapData = at(defaults.get("ConfigMap", NAME), "data");
		assertThat(configMapData).containsOnlyKeys("application.yaml");
	}

	@Test
	void heapIsSizedFromTheContainerMemoryLimit() {
		Map<String, Object> container = container(this.chart.render(Map.of("jvm.maxRamPercentage", 60)));
		assertThat(env(container).get("JAVA_TOOL_OPTIONS")).startsWith("-XX:MaxRAMPercentage=60 ");
		assertThat((Object) at(container, "resources.limits.memory")).isNotNull();
	}

	@Test
	void kubernetesServiceLinksAreOffSoTheyCannotOverrideServercorePort() {
		// A Service named servercore would inject SERVERCORE_PORT=tcp://...: Spring binds it to servercore.port.
		Map<String, Object> pod = at(this.chart.render(Map.of()).get("Deployment", NAME), "spec.template.spec");
		assertThat(pod.get("enableServiceLinks")).isEqualTo(false);
	}

	@Test
	void changingAConfigValueChangesTheChecksumAnnotation() {
		String defaults = checksum(this.chart.render(Map.of()));
		assertThat(defaults).matches("[0-9a-f]{64}");
		assertThat(checksum(this.chart.render(Map.of("config.servercore.io.workers", 3)))).isNotEqualTo(defaults);
		assertThat(checksum(this.chart.render(Map.of("shutdown.drainTimeoutSeconds", 30)))).isNotEqualTo(defaults);
		assertThat(checksum(this.chart.render(Map.of("ports.tcp", 7001)))).isNotEqualTo(defaults);
		// Not a config change: the pods keep their checksum.
		assertThat(checksum(this.chart.render(Map.of("replicaCount", 3)))).isEqualTo(defaults);
	}

	@Test
	void configCannotOverrideWhatTheChartDerivesProbesAndGracePeriodFrom() {
		assertThatIllegalStateException().isThrownBy(() -> this.chart.render(Map.of("config.servercore.port", 9000)))
			.withMessageContaining("config.servercore.port is managed by the chart: set ports.tcp");
		assertThatIllegalStateException()
			.isThrownBy(() -> this.chart.render(Map.of("config.servercore.shutdown.drain-timeout", "60s")))
			.withMessageContaining("shutdown.drainTimeoutSeconds");
		assertThatIllegalStateException().isThrownBy(() -> this.chart.render(Map.of("config.management.server.port", 9090)))
			.withMessageContaining("ports.management");
	}

	@Test
	void externalTrafficPolicyIsOnlyForServicesReachableFromOutside() {
		Manifests local = this.chart.render(Map.of("service.type", "LoadBalancer", "service.externalTrafficPolicy", "Local"));
		assertThat(at(local.get("Service", NAME), "spec.externalTrafficPolicy").toString()).isEqualTo("Local");
		assertThat((Object) at(this.chart.render(Map.of()).get("Service", NAME), "spec.externalTrafficPolicy")).isNull();
		assertThatIllegalStateException()
			.isThrownBy(() -> this.chart.render(Map.of("service.externalTrafficPolicy", "Local")))
			.withMessageContaining("not ClusterIP");
	}

	@Test
	void installNotesTellHowToReachTheTcpPortForEachServiceType() {
		String port = String.valueOf(this.app.tcpPort());
		assertThat(this.chart.notes(Map.of()))
			.contains("kubectl port-forward --namespace games service/servercore " + port + ":" + port)
			.contains("nc localhost " + port)
			.contains("/actuator/health/readiness");
		assertThat(this.chart.notes(Map.of("service.type", "LoadBalancer")))
			.contains(".status.loadBalancer.ingress[0]")
			.contains("nc $SERVICE_IP " + port)
			.contains("set service.externalTrafficPolicy=Local");
		assertThat(this.chart.notes(Map.of("service.type", "NodePort", "service.externalTrafficPolicy", "Local")))
			.contains("{.spec.ports[0].nodePort}")
			.contains("nc $NODE_IP $NODE_PORT")
			.contains("externalTrafficPolicy is Local");
	}

	@Test
	void defaultImageAndUserAreWhatTheDockerfileAndBuildImageProduce() throws Exception {
		// spring-boot:build-image names the image artifactId:version; the README's docker build uses the same.
		Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile())
			.getDocumentElement();
		String image = childText(project, "artifactId") + ":" + childText(project, "version");
		Manifests defaults = this.chart.render(Map.of());
		assertThat(at(container(defaults), "image").toString()).isEqualTo(image);
		String dockerfile = Files.readString(Path.of("Dockerfile"));
		Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(dockerfile);
		assertThat(user.find()).as("a numeric USER uid:gid in the Dockerfile").isTrue();
		Map<String, Object> pod = at(defaults.get("Deployment", NAME), "spec.template.spec");
		assertThat(at(pod, "securityContext.runAsUser").toString()).isEqualTo(user.group(1));
		assertThat(at(pod, "securityContext.runAsGroup").toString()).isEqualTo(user.group(2));
		assertThat(dockerfile).containsPattern("(?m)^EXPOSE " + this.app.tcpPort() + " " + this.app.managementPort() + "$");
	}

	@Test
	void everyValueIsCommentedInValuesYamlAndListedInTheChartReadme() throws IOException {
		List<String> lines = Files.readAllLines(HelmChart.CHART.resolve("values.yaml"));
		List<String> uncommented = new ArrayList<>();
		Pattern key = Pattern.compile("^( *)([A-Za-z_][\\w.-]*):");
		int listIndent = -1;
		String previous = "";
		for (String line : lines) {
			if (line.isBlank()) {
				continue;
			}
			int indent = line.length() - line.stripLeading().length();
			if (listIndent >= 0 && indent <= listIndent && !line.stripLeading().startsWith("- ")) {
				listIndent = -1;
			}
			if (line.stripLeading().startsWith("- ")) {
				listIndent = (listIndent < 0) ? indent : Math.min(listIndent, indent);
			}
			Matcher matcher = key.matcher(line);
			if (listIndent < 0 && matcher.find() && !previous.stripLeading().startsWith("#")) {
				uncommented.add(line.strip());
			}
			previous = line;
		}
		assertThat(uncommented).as("keys without a comment line above them").isEmpty();
		String readme = Files.readString(HelmChart.CHART.resolve("README.md"));
		List<String> missing = new ArrayList<>();
		for (String path : leafPaths(HelmChart.readYaml(HelmChart.CHART.resolve("values.yaml")))) {
			if (!documented(readme, path)) {
				missing.add(path);
			}
		}
		assertThat(missing).as("values missing from the chart README's table").isEmpty();
	}

	private static void assertLintClean(LintResult result) {
		assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
		assertThat(result.getMessages()).noneMatch((message) -> message.contains("[WARNING]") || message.contains("[ERROR]"));
	}

	private void assertGracePeriodCoversTheDrain(Manifests manifests) {
		Map<String, Object> pod = at(manifests.get("Deployment", NAME), "spec.template.spec");
		int grace = (Integer) pod.get("terminationGracePeriodSeconds");
		int preStop = (Integer) at(pod, "containers.0.lifecycle.preStop.sleep.seconds");
		Map<String, Object> config = renderedApplicationYaml(manifests);
		Duration drain = DurationStyle.detectAndParse(at(config, "servercore.shutdown.drain-timeout").toString());
		Duration phase = DurationStyle.detectAndParse(at(config, "spring.lifecycle.timeout-per-shutdown-phase").toString());
		assertThat(preStop).isPositive();
		assertThat(Duration.ofSeconds(grace)).isGreaterThan(Duration.ofSeconds(preStop).plus(drain));
		// Spring gives the drain its time too, and the kubelet does not kill before Spring gives up.
		assertThat(phase).isGreaterThan(drain);
		assertThat(Duration.ofSeconds(grace)).isGreaterThanOrEqualTo(Duration.ofSeconds(preStop).plus(phase));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> renderedApplicationYaml(Manifests manifests) {
		Map<String, Object> data = at(manifests.get("ConfigMap", NAME), "data");
		return (Map<String, Object>) new Yaml().load(data.get("application.yaml").toString());
	}

	private static Map<String, Object> container(Manifests manifests) {
		return at(manifests.get("Deployment", NAME), "spec.template.spec.containers.0");
	}

	private static Map<String, String> env(Map<String, Object> container) {
		Map<String, String> env = new LinkedHashMap<>();
		List<Map<String, Object>> variables = at(container, "env");
		variables.forEach((variable) -> env.put(variable.get("name").toString(), String.valueOf(variable.get("value"))));
		return env;
	}

	private static String checksum(Manifests manifests) {
		Map<String, Object> annotations = at(manifests.get("Deployment", NAME), "spec.template.metadata.annotations");
		return annotations.get("checksum/config").toString();
	}

	private static String childText(Element parent, String name) {
		for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
			if (node instanceof Element element && element.getTagName().equals(name)) {
				return element.getTextContent().strip();
			}
		}
		throw new IllegalStateException("pom.xml has no <" + name + ">");
	}

	// Every key whose value is not a map with keys, as a dotted path.
	@SuppressWarnings("unchecked")
	private static List<String> leafPaths(Map<String, Object> values) {
		List<String> paths = new ArrayList<>();
		Deque<Map.Entry<String, Object>> pending = new ArrayDeque<>();
		values.forEach((key, value) -> pending.add(Map.entry(key, value == null ? "" : value)));
		while (!pending.isEmpty()) {
			Map.Entry<String, Object> entry = pending.poll();
			if (entry.getValue() instanceof Map<?, ?> map && !map.isEmpty()) {
				((Map<String, Object>) map).forEach((key, value) -> pending.add(Map.entry(entry.getKey() + "." + key,
						value == null ? "" : value)));
			}
			else {
				paths.add(entry.getKey());
			}
		}
		return paths;
	}

	// A value is documented by its own row, or by a row for an object of at least two levels that holds it
	// (autoscaling.behavior is one passthrough object).
	private static boolean documented(String readme, String path) {
		String candidate = path;
		while (true) {
			if (readme.contains("`" + candidate + "`")) {
				return true;
			}
			int dot = candidate.lastIndexOf('.');
			if (dot < 0 || candidate.indexOf('.') == dot) {
				return false;
			}
			candidate = candidate.substring(0, dot);
		}
	}

}
