package dev.servercore.app;

import java.util.Map;

import dev.servercore.bench.BenchCommand;
import dev.servercore.bench.attack.AttackCommand;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Starts servercore: the TCP server on {@code servercore.port} (7000) and Actuator on {@code server.port}
 * (8081). With {@code bench} as the first argument it runs the load client instead, without Spring:
 * {@code java -jar servercore-exec.jar bench --help}; with {@code attack}, the reliability suite's hostile
 * clients.
 *
 * <p>Its only own setting is its name; the operating defaults come with the library
 * ({@code dev.servercore.autoconfigure.ServerCoreDefaults}), so a game project that depends on servercore gets
 * them but not this name.
 */
@SpringBootApplication
public class ServerCoreApplication {

	public static void main(String[] args) {
		if (BenchCommand.isRequested(args)) {
			System.exit(BenchCommand.main(args));
		}
		if (AttackCommand.isRequested(args)) {
			System.exit(AttackCommand.main(args));
		}
		SpringApplication application = new SpringApplication(ServerCoreApplication.class);
		// Default properties: the lowest precedence, and known early enough to appear in every log line.
		application.setDefaultProperties(Map.of("spring.application.name", "servercore"));
		application.run(args);
	}

}
