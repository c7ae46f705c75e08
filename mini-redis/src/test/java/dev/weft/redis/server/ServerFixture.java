package dev.weft.redis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A mini-redis server on a runtime of its own, on a free loopback port, for tests. {@link #paused()}
 * starts the runtime's clock paused without auto-advance: only {@link #advance} moves time.
 */
public final class ServerFixture implements AutoCloseable {
    public final Runtime runtime;
    public final Server server;
    private final JoinHandle<Void> serving;

    private ServerFixture(ServerConfig config, boolean paused) {
        runtime = Runtime.builder().multiThread().workerThreads(2).name("mini-redis-test")
                .startPaused(paused).autoAdvance(false).build();
        server = runtime.blockOn(Server.bind(config.withAddress(new InetSocketAddress("127.0.0.1", 0))));
        serving = runtime.spawn(server.serve());
    }

    /** A server with {@code config} (its address is replaced by a free loopback port), real time. */
    public static ServerFixture start(ServerConfig config) {
        return new ServerFixture(config, false);
    }

    public static ServerFixture start() {
        return start(ServerConfig.defaults());
    }

    /** A server whose clock stands still until {@link #advance}. */
    public static ServerFixture paused() {
        return new ServerFixture(ServerConfig.defaults(), true);
    }

    public int port() {
        return server.localAddress().getPort();
    }

    public String host() {
        return "127.0.0.1";
    }

    public void advance(Duration d) {
        runtime.clock().advance(d);
    }

    /** Whether {@link Server#serve()} completed within {@code timeout} after a shutdown. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return server.awaitStopped(timeout);
    }

    public JoinHandle<Void> serving() {
        return serving;
    }

    @Override
    public void close() {
        server.shutdown();
        runtime.close(Duration.ofSeconds(10));
    }

    /** A plain blocking socket speaking raw RESP, for what a client library would not send. */
    public Raw raw() throws IOException {
        return new Raw(new Socket("127.0.0.1", port()));
    }

    /** Raw protocol access: send bytes, read reply lines, see the server close. */
    public static final class Raw implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Raw(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(10_000);
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        public Raw send(String s) throws IOException {
            return send(s.getBytes(StandardCharsets.ISO_8859_1));
        }

        public Raw send(byte[] b) throws IOException {
            out.write(b);
            out.flush();
            return this;
        }

        /** The next reply line, without its CRLF. */
        public String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                assertThat(c).as("the server closed the connection in the middle of a reply line").isNotNegative();
                sb.append((char) c);
            }
            assertThat(sb.charAt(sb.length() - 1)).isEqualTo('\r');
            return sb.substring(0, sb.length() - 1);
        }

        /** Exactly {@code n} bytes. */
        public byte[] bytes(int n) throws IOException {
            return in.readNBytes(n);
        }

        /**
         * Reads until the server closes the connection and returns what came before the end (a reset
         * counts as closed). Fails with a timeout if the server keeps it open.
         */
        public String untilClosed() throws IOException {
            java.io.ByteArrayOutputStream rest = new java.io.ByteArrayOutputStream();
            try {
                in.transferTo(rest);
            } catch (java.net.SocketException reset) {
                // closed with unread input: a reset, which is a close as well
            }
            return rest.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
