package dev.weft.redis.server;

import dev.weft.redis.RespParser;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Server} runs: where it listens and the limits it holds clients to. Immutable; start from
 * {@link #defaults()} and change what you need with the {@code with...} methods.
 *
 * @param address where to listen (default 127.0.0.1:6379: loopback only)
 * @param limits the protocol limits: bulk length, array length, inline length (Redis's defaults)
 * @param maxQueryBuffer the most bytes a client may have sent that do not yet make a whole command
 *     (Redis's {@code client-query-buffer-limit}, 1 GB)
 * @param maxClients how many clients may be connected at once (10,000, as Redis)
 * @param idleTimeout how long a client may send nothing before it is closed; {@link Duration#ZERO} for
 *     never (Redis's {@code timeout 0}). Subscribers are exempt, as in Redis.
 * @param requirePass the password AUTH must give before any other command; null for none
 * @param subscriberBuffer how many messages may wait for one slow subscriber before it is cut off
 * @param purgeInterval how often the background task removes expired keys (Redis's {@code hz 10})
 */
public record ServerConfig(InetSocketAddress address, RespParser.Limits limits, long maxQueryBuffer,
        int maxClients, Duration idleTimeout, String requirePass, int subscriberBuffer, Duration purgeInterval) {
    /** The port Redis listens on. */
    public static final int DEFAULT_PORT = 6379;

    public ServerConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(purgeInterval, "purgeInterval");
        if (maxQueryBuffer < 1024 || maxClients < 1 || subscriberBuffer < 1 || idleTimeout.isNegative()
                || purgeInterval.isNegative() || purgeInterval.isZero()) {
            throw new IllegalArgumentException("out of range: maxQueryBuffer " + maxQueryBuffer + " (at least 1024),"
                    + " maxClients " + maxClients + ", subscriberBuffer " + subscriberBuffer + " (at least 1),"
                    + " idleTimeout " + idleTimeout + " (not negative), purgeInterval " + purgeInterval
                    + " (positive)");
        }
    }

    /** Loopback port 6379, Redis's limits, no password, no idle timeout. */
    public static ServerConfig defaults() {
        return new ServerConfig(new InetSocketAddress("127.0.0.1", DEFAULT_PORT), RespParser.Limits.REDIS,
                1L << 30, 10_000, Duration.ZERO, null, 4096, Duration.ofMillis(100));
    }

    public ServerConfig withAddress(InetSocketAddress address) {
        return new ServerConfig(address, limits, maxQueryBuffer, maxClients, idleTimeout, requirePass,
                subscriberBuffer, purgeInterval);
    }

    public ServerConfig withLimits(RespParser.Limits limits) {
        return new ServerConfig(address, limits, maxQueryBuffer, maxClients, idleTimeout, requirePass,
                subscriberBuffer, purgeInterval);
    }

    public ServerConfig withMaxQueryBuffer(long bytes) {
        return new ServerConfig(address, limits, bytes, maxClients, idleTimeout, requirePass, subscriberBuffer,
                purgeInterval);
    }

    public ServerConfig withMaxClients(int count) {
        return new ServerConfig(address, limits, maxQueryBuffer, count, idleTimeout, requirePass,
                subscriberBuffer, purgeInterval);
    }

    public ServerConfig withIdleTimeout(Duration timeout) {
        return new ServerConfig(address, limits, maxQueryBuffer, maxClients, timeout, requirePass,
                subscriberBuffer, purgeInterval);
    }

    public ServerConfig withRequirePass(String password) {
        return new ServerConfig(address, limits, maxQueryBuffer, maxClients, idleTimeout, password,
                subscriberBuffer, purgeInterval);
    }

    public ServerConfig withSubscriberBuffer(int messages) {
        return new ServerConfig(address, limits, maxQueryBuffer, maxClients, idleTimeout, requirePass, messages,
                purgeInterval);
    }

    public ServerConfig withPurgeInterval(Duration interval) {
        return new ServerConfig(address, limits, maxQueryBuffer, maxClients, idleTimeout, requirePass,
                subscriberBuffer, interval);
    }
}
