package dev.servercore.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every servercore setting in the generated configuration metadata has a description and a row in the
 * configuration table in docs/configuration.md.
 */
class ConfigurationDocumentationTests {

	private static final Pattern PROPERTY = Pattern
		.compile("\\{\\s*\"name\"\\s*:\\s*\"(servercore\\.[^\"]+)\"[^}]*?\"description\"\\s*:\\s*\"([^\"]*)\"", Pattern.DOTALL);

	@Test
	void everySettingIsDescribedAndInTheConfigurationPage() throws IOException {
		String metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated metadata").isNotNull();
			metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		String page = Files.readString(Path.of("docs/configuration.md"));
		Matcher matcher = PROPERTY.matcher(metadata);
		List<String> names = matcher.results().map((result) -> result.group(1)).toList();
		assertThat(names).as("servercore properties with a description").contains("servercore.port",
				"servercore.io.transport", "servercore.framing", "servercore.limits.max-sessions");
		for (String name : names) {
			assertThat(page).as("docs/configuration.md row for " + name).contains("| `" + name + "` |");
		}
	}

}
