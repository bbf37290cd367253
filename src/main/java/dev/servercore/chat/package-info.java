/**
 * A chat server on rooms, selected with {@code servercore.handler=chat}: the example of how game logic is
 * written on {@link dev.servercore.core.room.Room}s. Free of Spring.
 */
package dev.servercore.chat;
