/**
 * The load client (the dummy client of IOCP servers): {@code java -jar servercore-exec.jar bench ...} opens many
 * connections, drives them, checks every echoed byte and reports throughput and latency. No Spring in it.
 */
package dev.servercore.bench;
