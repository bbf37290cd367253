package com.example.game;

import dev.servercore.core.SessionHandler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A game server on servercore: servercore's auto-configuration starts the TCP server; this application only
 * says what a session does, by declaring a {@link SessionHandler} bean (which replaces the built-in echo).
 */
@SpringBootApplication
public class GameServerApplication {

	public static void main(String[] args) {
		SpringApplication.run(GameServerApplication.class, args);
	}

	@Bean
	SessionHandler pingHandler() {
		return new PingHandler();
	}

}
