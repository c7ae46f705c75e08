/**
 * mini-redis on Weft: the RESP2 codec ({@link dev.weft.redis.Frame}, {@link dev.weft.redis.RespParser},
 * {@link dev.weft.redis.RespEncoder}) so far; the server, client and CLI come next (issue [redis]).
 */
package dev.weft.redis;
