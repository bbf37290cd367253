package dev.servercore.example.game;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The example game server: servercore with the {@link GameController} of the example protocol
 * ({@code src/test/protobuf/game/game.proto}), length-prefixed with a 2-byte message id.
 */
@SpringBootApplication
public class GameServerApplication {

	public static void main(String[] args) {
		SpringApplication.run(GameServerApplication.class, args);
	}

}
