package dev.weft.redis.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** SHUTDOWN and {@link Server#shutdown()}: stop accepting, answer what is in flight, close everyone. */
class ShutdownTest {
    @Test
    void theShutdownCommandAnswersInFlightCommandsAndClosesEveryClient() throws Exception {
        try (ServerFixture f = ServerFixture.start(); ServerFixture.Raw idle = f.raw();
                ServerFixture.Raw admin = f.raw()) {
            assertThat(idle.send("PING\r\n").line()).isEqualTo("+PONG");
            // The commands before SHUTDOWN in the same batch get their replies; the connection then closes.
            admin.send("SET a 1\r\nGET a\r\nSHUTDOWN\r\nGET a\r\n");
            assertThat(admin.line()).isEqualTo("+OK");
            assertThat(admin.line()).isEqualTo("$1");
            assertThat(admin.line()).isEqualTo("1");
            assertThat(admin.untilClosed()).as("nothing after SHUTDOWN").isEmpty();
            assertThat(idle.untilClosed()).isEmpty();
            assertThat(f.awaitStopped(Duration.ofSeconds(5))).as("serve() completed").isTrue();
            assertThat(f.runtime.blockOn(f.serving())).as("serve() ended without a failure").isNull();
            assertThat(f.server.clientCount()).isZero();
            assertThatRefused(f.port());
        }
    }

    @Test
    void shutdownFromAnotherThreadLetsAPipelineFinish() throws Exception {
        try (ServerFixture f = ServerFixture.start(); ServerFixture.Raw c = f.raw()) {
            assertThat(c.send("PING\r\n").line()).isEqualTo("+PONG");
            f.server.shutdown();
            assertThat(c.untilClosed()).isEmpty();
            assertThat(f.awaitStopped(Duration.ofSeconds(5))).isTrue();
        }
    }

    /**
     * The listening socket is closed. NIO closes a registered channel's socket only at its selector's
     * next select, which the worker that closed it makes when it next comes round (microseconds), so
     * this allows a deadline for it.
     */
    private static void assertThatRefused(int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the server still accepts connections on " + port + ": " + s);
                }
            } catch (java.io.IOException refused) {
                assertThat(refused).as("refused or reset: no listener").isInstanceOf(java.net.SocketException.class);
                return;
            }
        }
    }
}
