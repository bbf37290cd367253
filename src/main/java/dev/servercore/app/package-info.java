/**
 * The servercore application: the main class that starts the service.
 */
package dev.servercore.app;
