package dev.weft.redis.client;

import dev.weft.redis.server.ServerFixture;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;

/**
 * The server the client and CLI tests talk to, as a JUnit extension: mini-redis itself, on a runtime
 * of its own and a free port of 127.0.0.1 ({@link ServerFixture}), started once per test class and
 * emptied before each test. Register it with
 * {@code @RegisterExtension static final TestServer SERVER = new TestServer();}.
 * (The tests were first written against a real {@code redis-server}; they pass against both.)
 */
public final class TestServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private ServerFixture fixture;

    @Override
    public void beforeAll(ExtensionContext context) {
        fixture = ServerFixture.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        fixture.close();
        fixture = null;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        try (Jedis jedis = jedis()) {
            jedis.flushAll();
        }
    }

    public String host() {
        return fixture.host();
    }

    public int port() {
        return fixture.port();
    }

    /** A Jedis connection to the server, to set up or check what a test did. */
    public Jedis jedis() {
        return new Jedis(host(), port());
    }

    /** A loopback port that nothing listens on (bound and released): for connection-refused tests. */
    public static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("no free loopback port", e);
        }
    }
}
