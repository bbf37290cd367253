package dev.servercore.deploy;

import dev.servercore.autoconfigure.ServerCoreDefaults;
import dev.servercore.autoconfigure.ServerCoreProperties;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;

/**
 * The settings the application ships with: the library's defaults ({@link ServerCoreDefaults}) bound the way
 * Spring Boot binds them, with {@link ServerCoreProperties}' defaults for anything they leave out. The chart is
 * checked against these, so a port is written down in one place only.
 */
final class ApplicationSettings {

	private final Binder binder;

	private ApplicationSettings(Binder binder) {
		this.binder = binder;
	}

	/**
	 * Loads the library's defaults from the classpath (as packed into the jar).
	 * @return the settings
	 */
	static ApplicationSettings shipped() {
		StandardEnvironment environment = new StandardEnvironment();
		// Only the defaults: no system properties or environment variables of the build machine.
		environment.getPropertySources().forEach((source) -> environment.getPropertySources().remove(source.getName()));
		environment.getPropertySources().addLast(ServerCoreDefaults.propertySource());
		return new ApplicationSettings(new Binder(ConfigurationPropertySources.from(environment.getPropertySources())));
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
						"neither the application nor servercore's defaults set server.port: Actuator would share Boot's default 8080"));
	}

}
