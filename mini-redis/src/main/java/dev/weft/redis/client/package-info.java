/**
 * An async Redis client on Weft: {@link dev.weft.redis.client.Client} (commands as futures),
 * {@link dev.weft.redis.client.Pipeline} (many commands, one write) and
 * {@link dev.weft.redis.client.Subscriber} (pub/sub messages as a {@link dev.weft.stream.Stream}). A
 * connection is used by one task at a time; its commands are not cancel-safe, and a command cut short
 * breaks the connection rather than let replies and commands drift apart.
 */
package dev.weft.redis.client;
