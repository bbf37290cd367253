package dev.servercore.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Starts servercore: the TCP server on {@code servercore.port} (7000) and Actuator on {@code server.port}
 * (8081).
 */
@SpringBootApplication
public class ServerCoreApplication {

	public static void main(String[] args) {
		SpringApplication.run(ServerCoreApplication.class, args);
	}

}
