package dev.weft.redis.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Redis server the client tests talk to, on a free port of 127.0.0.1. All starting and stopping of
 * the server is here, so that the tests can move to mini-redis's own server by changing this class
 * alone. For now it runs {@code /usr/bin/redis-server} with persistence off.
 */
public final class TestServer implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final Duration START_DEADLINE = Duration.ofSeconds(20);

    private Process process;
    private Path log;

    /**
     * Starts the server and returns its address once it accepts connections.
     *
     * @throws IllegalStateException if it does not come up within the deadline (the message holds its log)
     */
    public InetSocketAddress start() {
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < 3; attempt++) { // another process may take the free port first
            int port = freePort();
            try {
                log = Files.createTempFile("redis-server-" + port, ".log");
                process = new ProcessBuilder("/usr/bin/redis-server", "--port", Integer.toString(port),
                        "--bind", HOST, "--save", "", "--appendonly", "no")
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                Process started = process;
                Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly)); // if close() never runs
                awaitAccepting(port);
                return new InetSocketAddress(HOST, port);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start /usr/bin/redis-server", e);
            } catch (IllegalStateException e) {
                close();
                failure = e;
            }
        }
        throw failure;
    }

    /** Polls connect until the server accepts, the process dies, or the deadline passes. */
    private void awaitAccepting(int port) throws IOException {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + ":\n"
                        + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 100);
                return;
            } catch (IOException notYet) {
                pause(); // a refused connect returns at once: poll every few milliseconds, not flat out
            }
        }
        throw new IllegalStateException("redis-server did not accept connections on port " + port + " within "
                + START_DEADLINE + ":\n" + Files.readString(log));
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server", e);
        }
    }

    /** A port that was free a moment ago (nothing listens on it now). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server and waits for it to exit. Idempotent. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        process = null;
    }
}
