package dev.servercore.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import org.springframework.util.FileSystemUtils;

/**
 * The project's Helm chart, linted and rendered by the real helm library (helm-java), without a cluster.
 *
 * <pre>
 * HelmChart chart = HelmChart.servercore();
 * Manifests defaults = chart.render(Map.of());
 * Map&lt;String, Object&gt; deployment = defaults.get("Deployment", "servercore");
 * </pre>
 */
final class HelmChart {

	/** Where the chart lives, relative to the project directory (Surefire's working directory). */
	static final Path CHART = Path.of("helm", "servercore");

	/** The values file that switches every optional object on. */
	static final Path ALL_ENABLED_VALUES = CHART.resolve("ci").resolve("all-enabled-values.yaml");

	/** Release name used for rendering: equal to the chart name, so objects are named "servercore". */
	static final String RELEASE = "servercore";

	/** Namespace used for rendering. */
	static final String NAMESPACE = "games";

	/**
	 * The cluster version rendered for (helm's client-only default is 1.20, below the chart's kubeVersion): the
	 * first with kubelet's sleep action, which the default values use.
	 */
	static final String KUBE_VERSION = "1.30.0";

	// Copies of the chart for lint runs with other values (helm lint takes no values file through helm-java).
	private static final Path WORK = Path.of("target", "helm");

	private final Path chart;

	private HelmChart(Path chart) {
		this.chart = chart;
	}

	static HelmChart servercore() {
		return new HelmChart(CHART);
	}

	/**
	 * Runs {@code helm lint --strict} with the chart's own values.
	 * @return the lint result
	 */
	LintResult lint() {
		return new Helm(this.chart).lint().strict().call();
	}

	/**
	 * Runs {@code helm lint --strict} with a values file on top of the chart's values: on a copy of the chart
	 * whose values.yaml is the merge of both, as helm would merge them.
	 * @param overlay the values file
	 * @return the lint result
	 */
	LintResult lint(Path overlay) {
		Objects.requireNonNull(overlay, "overlay");
		String name = overlay.getFileName().toString().replace(".yaml", "");
		Path copy = WORK.resolve("lint-" + name).resolve(this.chart.getFileName());
		try {
			FileSystemUtils.deleteRecursively(copy.getParent());
			FileSystemUtils.copyRecursively(this.chart, copy);
			Map<String, Object> merged = merge(readYaml(this.chart.resolve("values.yaml")), readYaml(overlay));
			DumperOptions options = new DumperOptions();
			options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
			Files.writeString(copy.resolve("values.yaml"), new Yaml(options).dump(merged));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return new Helm(copy).lint().strict().call();
	}

	/**
	 * Runs {@code helm template} with {@code --set} values.
	 * @param sets values as {@code --set key=value}
	 * @return the rendered objects
	 */
	Manifests render(Map<String, Object> sets) {
		return render(null, sets);
	}

	/**
	 * Runs {@code helm template} with a values file and {@code --set} values.
	 * @param valuesFile a values file, or {@code null}
	 * @param sets values as {@code --set key=value}
	 * @return the rendered objects
	 */
	Manifests render(Path valuesFile, Map<String, Object> sets) {
		TemplateCommand template = new Helm(this.chart).template()
			.withName(RELEASE)
			.withNamespace(NAMESPACE)
			.withKubeVersion(KUBE_VERSION);
		if (valuesFile != null) {
			template = template.withValuesFile(valuesFile);
		}
		for (Map.Entry<String, Object> set : sets.entrySet()) {
			template = template.set(set.getKey(), set.getValue());
		}
		return Manifests.parse(template.call());
	}

	/**
	 * Returns what {@code helm install} prints after installing (NOTES.txt), from a client-only dry run.
	 * @param sets values as {@code --set key=value}
	 * @return the release notes
	 */
	String notes(Map<String, Object> sets) {
		InstallCommand install = new Helm(this.chart).install()
			.withName(RELEASE)
			.withNamespace(NAMESPACE)
			.withKubeVersion(KUBE_VERSION)
			.clientOnly()
			.dryRun();
		for (Map.Entry<String, Object> set : sets.entrySet()) {
			install = install.set(set.getKey(), set.getValue());
		}
		String output = install.call().getOutput();
		int notes = output.indexOf("NOTES:");
		if (notes < 0) {
			throw new AssertionError("no NOTES in the install output:\n" + output);
		}
		return output.substring(notes);
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> readYaml(Path file) {
		try {
			Object loaded = new Yaml().load(Files.readString(file));
			return (loaded != null) ? (Map<String, Object>) loaded : new LinkedHashMap<>();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	// Helm's rule: maps merge key by key, anything else (lists included) is replaced.
	@SuppressWarnings("unchecked")
	private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overlay) {
		Map<String, Object> merged = new LinkedHashMap<>(base);
		overlay.forEach((key, value) -> {
			Object existing = merged.get(key);
			if (existing instanceof Map && value instanceof Map) {
				merged.put(key, merge((Map<String, Object>) existing, (Map<String, Object>) value));
			}
			else {
				merged.put(key, value);
			}
		});
		return merged;
	}

	/**
	 * The objects of one {@code helm template} run, by kind and name.
	 */
	static final class Manifests {

		private final List<Map<String, Object>> objects;

		private Manifests(List<Map<String, Object>> objects) {
			this.objects = objects;
		}

		@SuppressWarnings("unchecked")
		static Manifests parse(String yaml) {
			List<Map<String, Object>> objects = new ArrayList<>();
			for (Object document : new Yaml().loadAll(yaml)) {
				if (document != null) {
					objects.add((Map<String, Object>) document);
				}
			}
			return new Manifests(objects);
		}

		List<Map<String, Object>> all() {
			return this.objects;
		}

		Stream<String> kinds() {
			return this.objects.stream().map((object) -> (String) object.get("kind"));
		}

		Map<String, Object> get(String kind, String name) {
			return this.objects.stream()
				.filter((object) -> kind.equals(object.get("kind")) && name.equals(at(object, "metadata.name")))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in " + kinds().toList()));
		}

	}

	/**
	 * Follows a dotted path through nested maps; a numeric segment indexes a list.
	 * @param <T> the expected type
	 * @param object the root
	 * @param path for example {@code spec.template.spec.containers.0.ports}
	 * @return the value, or {@code null} when a segment is missing
	 */
	@SuppressWarnings("unchecked")
	static <T> T at(Object object, String path) {
		Object current = object;
		for (String segment : path.split("\\.")) {
			if (current instanceof Map<?, ?> map) {
				current = map.get(segment);
			}
			else if (current instanceof List<?> list && segment.chars().allMatch(Character::isDigit)) {
				int index = Integer.parseInt(segment);
				current = (index < list.size()) ? list.get(index) : null;
			}
			else {
				return null;
			}
		}
		return (T) current;
	}

}
