package dev.servercore.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;

/**
 * Adds servercore's operating defaults ({@value #RESOURCE}: Actuator on 8081, the exposed endpoints, the
 * probe groups with the servercore checks, health details, the shutdown phase timeout) to every application
 * that uses servercore, as the last property source, so the application's own settings override them key
 * by key. This is how Spring Boot DevTools contributes its defaults; an {@code application.yaml} inside the
 * library would instead be shadowed, as a whole, by the application's own.
 *
 * <p>Registered in {@code META-INF/spring.factories}.
 */
public class ServerCoreDefaults implements EnvironmentPostProcessor, Ordered {

	/** Name of the property source, as {@code /actuator/env} shows it. */
	public static final String PROPERTY_SOURCE_NAME = "servercoreDefaults";

	/** The classpath resource that holds the defaults. */
	public static final String RESOURCE = "servercore-defaults.yaml";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
			environment.getPropertySources().addLast(propertySource());
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	/**
	 * Loads the defaults.
	 * @return the defaults as one property source named {@value #PROPERTY_SOURCE_NAME}
	 */
	public static PropertySource<?> propertySource() {
		Resource resource = new ClassPathResource(RESOURCE, ServerCoreDefaults.class.getClassLoader());
		try {
			List<PropertySource<?>> documents = new YamlPropertySourceLoader().load(PROPERTY_SOURCE_NAME, resource);
			if (documents.size() != 1) {
				throw new IllegalStateException(RESOURCE + " must hold exactly one YAML document");
			}
			return documents.get(0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read servercore's defaults from " + RESOURCE, ex);
		}
	}

}
