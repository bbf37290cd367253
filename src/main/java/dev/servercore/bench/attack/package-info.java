/**
 * Hostile clients for the reliability suite ({@code reliability/}): {@code java -jar servercore.jar attack ...}
 * opens connections that misbehave on purpose (never read, hold unfinished packets, trickle, reset, send
 * random bytes or impossible headers) and counts what the server did to them. No Spring in it.
 */
package dev.servercore.bench.attack;
