package dev.servercore.app;

import dev.servercore.bench.BenchCommand;
import dev.servercore.bench.attack.AttackCommand;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.PropertySource;

/**
 * Starts servercore: the TCP server on {@code servercore.port} (7000) and Actuator on {@code server.port}
 * (8081). With {@code bench} as the first argument it runs the load client instead, without Spring:
 * {@code java -jar servercore-exec.jar bench --help}; with {@code attack}, the reliability suite's hostile
 * clients.
 *
 * <p>Its own settings (its name) are in {@code servercore-application.properties}, beside this class; the
 * operating defaults come with the library ({@code dev.servercore.autoconfigure.ServerCoreDefaults}).
 */
@SpringBootApplication
@PropertySource("classpath:dev/servercore/app/servercore-application.properties")
public class ServerCoreApplication {

	public static void main(String[] args) {
		if (BenchCommand.isRequested(args)) {
			System.exit(BenchCommand.main(args));
		}
		if (AttackCommand.isRequested(args)) {
			System.exit(AttackCommand.main(args));
		}
		SpringApplication.run(ServerCoreApplication.class, args);
	}

}
