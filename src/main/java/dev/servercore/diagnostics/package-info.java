/**
 * Start-up failures a person can act on: Spring Boot failure analyzers that name the setting to change.
 */
package dev.servercore.diagnostics;
