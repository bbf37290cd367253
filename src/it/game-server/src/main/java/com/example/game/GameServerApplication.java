package com.example.game;

import java.nio.charset.StandardCharsets;

import dev.servercore.core.SessionHandler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A game server on servercore, as the README's "Build your game server on servercore" writes it:
 * servercore's auto-configuration starts the TCP server; this application only says what a session does.
 */
@SpringBootApplication
public class GameServerApplication {

	public static void main(String[] args) {
		SpringApplication.run(GameServerApplication.class, args);
	}

	// Replaces the echo: answers each packet "ping <text>" with "pong <text>".
	@Bean
	SessionHandler pingHandler() {
		return (session, packet) -> {
			String message = packet.toString(StandardCharsets.UTF_8);
			String answer = message.startsWith("ping ") ? "pong " + message.substring(5) : "unknown";
			session.send(answer.getBytes(StandardCharsets.UTF_8));
		};
	}

}
