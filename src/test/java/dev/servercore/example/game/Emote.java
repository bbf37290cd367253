package dev.servercore.example.game;

import dev.servercore.packet.PacketMessage;

/**
 * A JSON packet of the example protocol: a player plays an emote, the server answers with the same.
 *
 * @param name the emote
 * @param times how often
 */
@PacketMessage(id = 20)
public record Emote(String name, int times) {
}
