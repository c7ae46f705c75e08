package dev.weft.console;

import com.sun.net.httpserver.HttpServer;
import dev.weft.runtime.Handle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A live, read-only view of a running runtime in a web browser: its tasks (sortable, with warnings),
 * each task's stats, poll-time histogram, span and suspended stack, the workers' counters, and lints
 * for the usual mistakes (a blocking call on a worker, a loop that never yields, a lost waker, all the
 * work in one task). It also serves the same data as JSON, which the terminal view reads.
 *
 * <pre>{@code
 * try (Runtime rt = Runtime.builder().multiThread().build();
 *      Console console = Console.start(rt.handle())) {
 *     System.out.println("console at " + console.url());
 *     rt.blockOn(server.run());
 * }
 * }</pre>
 *
 * <p>The console is off unless a program starts one. It listens on the loopback address only, answers
 * GET and nothing else, and runs on threads of its own: an HTTP dispatcher, two request threads and a
 * sampler, all daemons. None of them is one of the runtime's workers, and nothing they call on the
 * runtime waits for a worker, so the console answers while every worker of the runtime is blocked:
 * the moment it is most needed.
 *
 * <p>Cost: nothing on the runtime while nobody looks, except the sampler, which reads every task's
 * counters each {@linkplain Builder#sampleInterval sample interval} (about a microsecond per task). Each
 * request reads them again, and a task's detail walks its suspended stack.
 */
public final class Console implements AutoCloseable {
    /** The default {@linkplain Builder#sampleInterval sample interval}. */
    public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofMillis(250);
    /** "One-task" is judged over this many sample intervals. */
    static final int WINDOW_INTERVALS = 4;

    private static final AtomicInteger IDS = new AtomicInteger();

    private final HttpServer server;
    private final ExecutorService requests;
    private final Sampler sampler;
    private final InetSocketAddress address;

    private Console(HttpServer server, ExecutorService requests, Sampler sampler) {
        this.server = server;
        this.requests = requests;
        this.sampler = sampler;
        this.address = server.getAddress();
    }

    /**
     * Starts a console for the runtime behind {@code handle} on 127.0.0.1, on a free port (see
     * {@link #url()}), with the default settings.
     *
     * @throws UncheckedIOException if the server cannot listen
     */
    public static Console start(Handle handle) {
        return builder(handle).start();
    }

    /** A builder for a console on the runtime behind {@code handle}. */
    public static Builder builder(Handle handle) {
        return new Builder(handle);
    }

    /** The address the console listens on: a loopback address and the port. */
    public InetSocketAddress address() {
        return address;
    }

    /** The web page's address, such as {@code http://127.0.0.1:43117/}. */
    public URI url() {
        String host = address.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + address.getPort() + "/");
    }

    /**
     * Stops listening, ends the console's threads, and returns. A request in progress is cut off.
     * Idempotent. The runtime is not touched.
     */
    @Override
    public void close() {
        sampler.close();
        server.stop(0);
        requests.shutdownNow();
        try {
            requests.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Console[" + url() + "]";
    }

    /** Configures and starts a {@link Console}. */
    public static final class Builder {
        private final Handle handle;
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private int port;
        private Duration sampleInterval = DEFAULT_SAMPLE_INTERVAL;

        private Builder(Handle handle) {
            this.handle = Objects.requireNonNull(handle, "handle");
        }

        /** The TCP port; 0 (the default) picks a free one, which {@link Console#url()} then tells. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
            }
            this.port = port;
            return this;
        }

        /**
         * The address to listen on: a loopback address ({@code 127.0.0.1}, the default, or {@code ::1}).
         * The console has no authentication, so it refuses any other: to look at a remote machine's
         * runtime, tunnel to its loopback (for example {@code ssh -L 7000:127.0.0.1:7000 host}).
         *
         * @throws IllegalArgumentException if {@code address} is not a loopback address
         */
        public Builder bindAddress(InetAddress address) {
            Objects.requireNonNull(address, "address");
            if (!address.isLoopbackAddress()) {
                throw new IllegalArgumentException("The Weft console listens on a loopback address only (127.0.0.1"
                        + " or ::1), not " + address.getHostAddress() + ": it has no authentication and shows"
                        + " every task's stack. To reach it from another machine, tunnel to the loopback, e.g."
                        + " ssh -L 7000:127.0.0.1:7000 host.");
            }
            this.bindAddress = address;
            return this;
        }

        /**
         * How often the sampler reads the runtime's counters (default 250 ms,
         * {@link Console#DEFAULT_SAMPLE_INTERVAL}).
         * The "one-task" lint compares against a sample about {@value Console#WINDOW_INTERVALS}
         * intervals old.
         */
        public Builder sampleInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.toMillis() < 10 || interval.toSeconds() > 60) {
                throw new IllegalArgumentException("sampleInterval must be between 10 ms and 60 s, not " + interval);
            }
            this.sampleInterval = interval;
            return this;
        }

        /**
         * Starts the console: listening when this returns.
         *
         * @throws UncheckedIOException if it cannot listen (the port is taken, for example)
         */
        public Console start() {
            int id = IDS.incrementAndGet();
            long interval = sampleInterval.toNanos();
            Sampler sampler = new Sampler(handle, interval, Math.max(Lints.MIN_WINDOW_NANOS, WINDOW_INTERVALS * interval));
            HttpServer server;
            try {
                server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
            } catch (IOException e) {
                throw new UncheckedIOException("The Weft console cannot listen on " + bindAddress.getHostAddress()
                        + ":" + port + ": " + e.getMessage(), e);
            }
            Routes routes;
            try {
                routes = new Routes(handle, sampler, server.getAddress().getPort());
            } catch (RuntimeException e) {
                server.stop(0);
                throw e;
            }
            ExecutorService requests = Executors.newFixedThreadPool(2, daemonThreads("weft-console-" + id + "-http-"));
            server.createContext("/", routes);
            server.setExecutor(requests);
            startAsDaemon(server);
            sampler.start();
            return new Console(server, requests, sampler);
        }

        /**
         * Starts the server from a daemon thread: the JDK's dispatcher thread takes its daemon status
         * from the thread that starts it, and a console left open must not keep the JVM alive.
         */
        private static void startAsDaemon(HttpServer server) {
            Thread starter = new Thread(server::start, "weft-console-start");
            starter.setDaemon(true);
            starter.start();
            boolean interrupted = false;
            while (true) {
                try {
                    starter.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        private static ThreadFactory daemonThreads(String prefix) {
            AtomicInteger n = new AtomicInteger();
            return r -> {
                Thread t = new Thread(r, prefix + n.getAndIncrement());
                t.setDaemon(true);
                return t;
            };
        }
    }
}
