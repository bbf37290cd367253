/**
 * Typed packets: {@link dev.servercore.packet.PacketController @PacketController} beans whose
 * {@link dev.servercore.packet.PacketHandler @PacketHandler} methods receive decoded messages by message id, with
 * Protocol Buffers, JSON and raw {@code ByteBuf} codecs. Needs length-prefixed framing with a message id field
 * ({@code servercore.packet.id-field-bytes}); everything is resolved at start-up into an array indexed by id.
 */
package dev.servercore.packet;
