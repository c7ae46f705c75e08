package dev.weft.redis.server;

import dev.weft.console.Console;
import dev.weft.redis.RespParser;
import dev.weft.runtime.Runtime;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mini-redis-server}: runs mini-redis on a multi-thread Weft runtime until SHUTDOWN, Ctrl-C or
 * SIGTERM, then shuts down gracefully.
 */
@Command(name = "mini-redis-server", mixinStandardHelpOptions = true, version = "mini-redis on Weft 0.1.0",
        description = "A Redis server (RESP2: strings, expiry, pub/sub) on the Weft async runtime.")
public final class ServerMain implements Callable<Integer> {
    @Option(names = "--bind", description = "Address to listen on (default: ${DEFAULT-VALUE}, loopback only).")
    String bind = "127.0.0.1";

    @Option(names = {"-p", "--port"}, description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port = ServerConfig.DEFAULT_PORT;

    @Option(names = "--workers", description = "Worker threads (default: one per core).")
    Integer workers;

    @Option(names = "--requirepass", description = "Password clients must give with AUTH.")
    String requirePass;

    @Option(names = "--maxclients", description = "Most clients at once (default: ${DEFAULT-VALUE}).")
    int maxClients = ServerConfig.defaults().maxClients();

    @Option(names = "--timeout", description = "Close a client idle this many seconds; 0 never (default).")
    long idleSeconds;

    @Option(names = "--proto-max-bulk-len", description = "Longest bulk string in bytes (default: ${DEFAULT-VALUE}).")
    long maxBulk = RespParser.Limits.REDIS.maxBulk();

    @Option(names = "--max-multibulk-len", description = "Most elements in a command (default: ${DEFAULT-VALUE}).")
    long maxArray = RespParser.Limits.REDIS.maxArray();

    @Option(names = "--max-inline-len", description = "Longest inline command in bytes (default: ${DEFAULT-VALUE}).")
    int maxInline = RespParser.Limits.REDIS.maxInline();

    @Option(names = "--client-query-buffer-limit",
            description = "Most unparsed bytes per client (default: ${DEFAULT-VALUE}).")
    long maxQueryBuffer = ServerConfig.defaults().maxQueryBuffer();

    @Option(names = "--subscriber-buffer",
            description = "Messages that may wait for a slow subscriber before it is cut off (default: ${DEFAULT-VALUE}).")
    int subscriberBuffer = ServerConfig.defaults().subscriberBuffer();

    @Option(names = "--console", arity = "0..1", fallbackValue = "" + DEFAULT_CONSOLE_PORT, paramLabel = "PORT",
            description = "Serve the Weft console (live tasks, lints) on 127.0.0.1:PORT"
                    + " (default port " + DEFAULT_CONSOLE_PORT + "; 0 picks a free one). Off unless given.")
    private Integer consolePort;

    /** The console's port when {@code --console} is given without one. */
    static final int DEFAULT_CONSOLE_PORT = 6380;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServerMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig config = ServerConfig.defaults()
                .withAddress(new InetSocketAddress(bind, port))
                .withLimits(new RespParser.Limits(maxBulk, maxArray, maxInline))
                .withMaxQueryBuffer(maxQueryBuffer)
                .withMaxClients(maxClients)
                .withIdleTimeout(Duration.ofSeconds(idleSeconds))
                .withRequirePass(requirePass)
                .withSubscriberBuffer(subscriberBuffer);
        Runtime.Builder builder = Runtime.builder().multiThread().name("mini-redis");
        if (workers != null) {
            builder.workerThreads(workers);
        }
        // Counted down once the runtime is closed; a signal's hook waits for it, so the JVM does not
        // halt while connections are still being answered and closed.
        CountDownLatch finished = new CountDownLatch(1);
        try (Runtime rt = builder.build()) {
            Server server;
            try {
                server = rt.blockOn(Server.bind(config));
            } catch (RuntimeException e) {
                System.err.println("mini-redis: cannot listen on " + bind + ":" + port + ": " + rootMessage(e)
                        + " (is another server, perhaps a real redis-server, using the port? try --port)");
                return 1;
            }
            Thread hook = new Thread(() -> {
                // Straight to stderr: java.util.logging may already be shut down by its own hook.
                System.err.println("mini-redis: signal received, shutting down gracefully");
                server.shutdown();
                try {
                    finished.await(Server.SHUTDOWN_GRACE.plus(Runtime.DEFAULT_CLOSE_DEADLINE).toSeconds(),
                            TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "mini-redis-shutdown");
            java.lang.Runtime.getRuntime().addShutdownHook(hook);
            Console console = null;
            if (consolePort != null) {
                try {
                    console = Console.builder(rt.handle()).port(consolePort).start();
                } catch (RuntimeException e) {
                    System.err.println("mini-redis: cannot start the console on 127.0.0.1:" + consolePort + ": "
                            + rootMessage(e) + " (is the port in use? try --console=0)");
                    server.shutdown();
                    return 1;
                }
            }
            InetSocketAddress at = server.localAddress();
            System.out.printf("mini-redis on Weft listening on %s:%d (%d workers)%n", at.getHostString(),
                    at.getPort(), rt.handle().workers().size());
            System.out.printf("  try:  redis-cli -p %d ping   |   redis-cli -p %d set greeting hello%n",
                    at.getPort(), at.getPort());
            System.out.printf("  load: redis-benchmark -p %d -q -t ping,set,get -P 16%n", at.getPort());
            System.out.println("  stop: Ctrl-C, or redis-cli -p " + at.getPort() + " shutdown");
            if (console != null) {
                System.out.println("  console: " + console.url() + "   (terminal: scripts/weft-console "
                        + console.url() + ")");
            }
            // The accepting loop runs as a task on a worker, not on this thread: spawns from a worker are
            // placed by each worker's weight (live homed and unstarted tasks), and redis-benchmark's 50
            // connections split evenly. Spawned from outside, where placement goes by queue length and
            // idleness, they split anywhere from 10/41 to 30/21 (docs/perf.md §9.1).
            rt.blockOn(rt.spawn("accept", server.serve()));
            if (console != null) {
                console.close();
            }
            try {
                java.lang.Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // Already shutting down (a signal): the hook waits for the close below.
            }
        } finally {
            finished.countDown();
        }
        System.out.println("mini-redis stopped");
        return 0;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
