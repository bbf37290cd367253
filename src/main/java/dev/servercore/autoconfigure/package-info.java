/**
 * Spring Boot wiring for the core: properties, beans and the lifecycle that starts and stops the server.
 */
package dev.servercore.autoconfigure;
