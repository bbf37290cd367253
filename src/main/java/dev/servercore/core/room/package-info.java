/**
 * Rooms: a serial job queue for game logic (a match, a zone, a channel), with members, a fixed-rate tick,
 * a bounded queue and broadcast, free of Spring. Start with {@link dev.servercore.core.room.RoomRegistry}.
 */
package dev.servercore.core.room;
