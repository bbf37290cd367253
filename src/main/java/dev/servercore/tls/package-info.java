/**
 * TLS on the game port from Spring Boot SSL bundles: the server context, its reload on a renewed certificate,
 * and the TLS meters.
 */
package dev.servercore.tls;
