package dev.servercore.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;

import dev.servercore.autoconfigure.ServerCoreProperties;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * The settings the application ships with: its own {@code application.yaml} bound the way Spring Boot binds it,
 * with {@link ServerCoreProperties}' defaults for anything the file leaves out. The chart is checked against
 * these, so a port is written down in one place only.
 */
final class ApplicationSettings {

	private final Binder binder;

	private ApplicationSettings(Binder binder) {
		this.binder = binder;
	}

	/**
	 * Loads {@code application.yaml} from the classpath (the one packed into the jar).
	 * @return the settings
	 */
	static ApplicationSettings shipped() {
		try {
			StandardEnvironment environment = new StandardEnvironment();
			// Only the file: no system properties or environment variables of the build machine.
			environment.getPropertySources().forEach((source) -> environment.getPropertySources().remove(source.getName()));
			for (PropertySource<?> source : new YamlPropertySourceLoader().load("application.yaml",
					new ClassPathResource("application.yaml"))) {
				environment.getPropertySources().addLast(source);
			}
			return new ApplicationSettings(new Binder(ConfigurationPropertySources.from(environment.getPropertySources())));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The game's TCP port: {@code servercore.port}. */
	int tcpPort() {
		return this.binder.bindOrCreate("servercore", Bindable.of(ServerCoreProperties.class)).getPort();
	}

	/** Actuator's HTTP port: {@code server.port} (no separate {@code management.server.port}). */
	int managementPort() {
		Integer managementServerPort = this.binder.bind("management.server.port", Integer.class).orElse(null);
		return (managementServerPort != null) ? managementServerPort
				: this.binder.bind("server.port", Integer.class).orElseThrow(() -> new IllegalStateException(
						"application.yaml sets no server.port: Actuator would share Boot's default 8080"));
	}

}
