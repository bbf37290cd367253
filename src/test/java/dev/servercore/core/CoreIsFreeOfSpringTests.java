package dev.servercore.core;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core is the article's ServerCore library: no class in it may refer to Spring. Checks the compiled
 * classes' constant pools, which name every type a class uses, imported or fully qualified.
 */
class CoreIsFreeOfSpringTests {

	@Test
	void noClassInTheCorePackageRefersToSpring() throws IOException, URISyntaxException {
		Path core = Path.of(Session.class.getProtectionDomain().getCodeSource().getLocation().toURI())
			.resolve("dev/servercore/core");
		List<Path> classes;
		try (Stream<Path> files = Files.walk(core)) {
			classes = files.filter((file) -> file.toString().endsWith(".class")).toList();
		}
		assertThat(classes).as("core classes").hasSizeGreaterThan(5);
		for (Path type : classes) {
			String constants = new String(Files.readAllBytes(type), StandardCharsets.ISO_8859_1);
			assertThat(constants).as(type.getFileName().toString()).doesNotContain("org/springframework");
		}
	}

}
