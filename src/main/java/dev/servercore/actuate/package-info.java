/**
 * Actuator for servercore: Micrometer meters, health, and the sessions endpoint.
 */
package dev.servercore.actuate;
