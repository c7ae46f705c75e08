package dev.weft.redis.client;

import dev.weft.redis.server.ServerFixture;
import java.net.InetSocketAddress;

/**
 * The server the client and CLI tests talk to: mini-redis itself, on a runtime of its own and a free
 * port of 127.0.0.1 ({@link ServerFixture}). (The tests were first written against a real
 * {@code redis-server}; they pass against both.)
 */
public final class TestServer implements AutoCloseable {
    private ServerFixture fixture;

    /** Starts the server and returns its address; it accepts connections when this returns. */
    public InetSocketAddress start() {
        fixture = ServerFixture.start();
        return new InetSocketAddress(fixture.host(), fixture.port());
    }

    /** A loopback port that nothing listens on (bound and released): for connection-refused tests. */
    public static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("no free loopback port", e);
        }
    }

    @Override
    public void close() {
        if (fixture != null) {
            fixture.close();
            fixture = null;
        }
    }
}
