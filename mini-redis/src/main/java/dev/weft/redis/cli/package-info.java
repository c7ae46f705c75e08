/**
 * {@code mini-redis-cli}, a command-line client in the manner of redis-cli, built on
 * {@link dev.weft.redis.client.Client}: {@link dev.weft.redis.cli.MiniRedisCli}.
 */
package dev.weft.redis.cli;
