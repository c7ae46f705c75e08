/**
 * mini-redis on Weft: the RESP2 codec ({@link dev.weft.redis.Frame}, {@link dev.weft.redis.RespParser},
 * {@link dev.weft.redis.RespEncoder}); the async client in {@link dev.weft.redis.client} and the
 * {@code mini-redis-cli} command in {@link dev.weft.redis.cli}. The server comes next (issue [redis]).
 */
package dev.weft.redis;
