/**
 * Replicas that act as one server over Redis, through Spring Boot's Redis support: membership with heartbeats,
 * cluster-wide broadcast and groups over Redis streams, a directory of bound keys (find, kick, duplicate login),
 * partial-answer queries, the {@code servercore/cluster} health member, the {@code cluster} endpoint and meters.
 * Off unless {@code servercore.cluster.enabled=true}. See docs/cluster.md.
 */
package dev.servercore.cluster;
