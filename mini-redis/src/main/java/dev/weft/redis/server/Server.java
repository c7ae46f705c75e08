package dev.weft.redis.server;

import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.compose.Select;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpStream;
import dev.weft.runtime.JoinHandle;
import dev.weft.sync.CancellationToken;
import dev.weft.sync.Notify;
import dev.weft.time.ElapsedException;
import dev.weft.time.Interval;
import dev.weft.trace.Span;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * mini-redis: a Redis server (RESP2, the string commands, pub/sub) on Weft. One task accepts; each client
 * gets a task of its own ({@link Connection}), spawned so that clients spread over the runtime's workers;
 * one more task removes expired keys every {@link ServerConfig#purgeInterval()}.
 *
 * <pre>{@code
 * try (Runtime rt = Runtime.builder().multiThread().build()) {
 *     Server server = rt.blockOn(Server.bind(ServerConfig.defaults()));
 *     rt.blockOn(rt.spawn(server.serve())); // until SHUTDOWN, or server.shutdown() from any thread
 * }
 * }</pre>
 *
 * <p>Shutting down (the SHUTDOWN command, or {@link #shutdown()} from a signal handler): the server stops
 * accepting, lets each client's task finish the batch of commands it is running and send the replies,
 * then closes every connection; {@link #serve()} completes when they are all closed, or after
 * {@link #SHUTDOWN_GRACE} with the stragglers (a client that stopped reading its replies) cut off.
 */
public final class Server {
    /** How long a shutdown waits for clients' in-flight replies before it closes their sockets. */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
    private static final System.Logger LOG = System.getLogger("dev.weft.redis.server");
    private static final int PURGE_BUDGET = 20_000;

    private final ServerConfig config;
    private final TcpListener listener;
    private final Keyspace keyspace = new Keyspace();
    private final PubSub pubSub = new PubSub();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger clients = new AtomicInteger();
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLong connectionsReceived = new AtomicLong();
    private final LongAdder commandsProcessed = new LongAdder();
    private final LongAdder replyWrites = new LongAdder();
    private final Notify connectionClosed = new Notify();
    private final CancellationToken stopping = new CancellationToken();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final long startNanos = System.nanoTime();

    private Server(ServerConfig config, TcpListener listener) {
        this.config = config;
        this.listener = listener;
    }

    /**
     * Binds the listening socket (so a busy port fails here, before anything runs). Await it inside a
     * Weft runtime; then {@link #serve()}.
     */
    public static Future<Server> bind(ServerConfig config) {
        return TcpListener.bind(config.address()).map(l -> new Server(config, l));
    }

    /** Where the server listens (with the real port when the configured one was 0). */
    public InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    public ServerConfig config() {
        return config;
    }

    /**
     * Accepts and serves clients until {@link #shutdown()}; then closes every connection (after their
     * in-flight replies) and completes. Await it once, on a Weft runtime; a multi-thread one spreads the
     * clients over its workers.
     *
     * <p><b>Cancel safety:</b> cancelling it (or the runtime's shutdown) stops accepting and closes the
     * listener; the client tasks are the runtime's and end with it.
     */
    public Future<Void> serve() {
        return Weft.async(() -> {
            JoinHandle<Void> purge = Weft.spawn("purge-expired", purgeExpired());
            try {
                while (true) {
                    TcpStream accepted = Select.<TcpStream>biased()
                            .on(stopping.cancelled(), v -> null)
                            .on(listener.accept(), s -> s)
                            .await();
                    if (accepted == null) {
                        break;
                    }
                    admit(accepted);
                }
                drain();
            } finally {
                listener.close();
                purge.abort();
                stopped.countDown();
            }
        });
    }

    /**
     * Starts a graceful shutdown (idempotent, any thread, including a client's own task: the SHUTDOWN
     * command). Returns at once; {@link #serve()} completes when it is done.
     */
    public void shutdown() {
        if (!stopping.isCancelled()) {
            LOG.log(System.Logger.Level.INFO, "mini-redis is shutting down: no new clients; closing "
                    + connections.size() + " connection(s) after their replies");
        }
        stopping.cancel();
    }

    /** Waits, on a thread outside the runtime, until {@link #serve()} has completed; false on timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** How many clients are connected now. */
    public int clientCount() {
        return clients.get();
    }

    private void admit(TcpStream stream) {
        connectionsReceived.incrementAndGet();
        if (clients.incrementAndGet() > config.maxClients()) {
            clients.decrementAndGet();
            LOG.log(System.Logger.Level.WARNING, () -> "refusing a client from " + stream.peerAddress()
                    + ": max number of clients (" + config.maxClients() + ") reached");
            Weft.spawn("refuse a client over the limit", refuse(stream));
            return;
        }
        Connection c = new Connection(this, nextId.incrementAndGet(), stream);
        connections.add(c);
        if (stopping.isCancelled()) {
            c.stop();
        }
        // The client's span: its fields are in the MDC of any SLF4J logging its task does (weft-slf4j).
        Span span = Span.of("client", "id", c.id, "peer", c.address());
        Weft.spawn("client " + c.id + " " + c.address(), span.instrument(c.run()));
    }

    /** Tells a client over the limit why, and closes it. */
    private static Future<Void> refuse(TcpStream stream) {
        return Weft.async(() -> {
            try (stream) {
                ByteBuffer b = ByteBuffer.wrap("-ERR max number of clients reached\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                while (b.hasRemaining()) {
                    stream.write(b).await();
                }
            } catch (RuntimeException gone) {
                // It left first: nothing to tell.
            }
        });
    }

    /** Stops every connection after its batch and waits for them, cutting off stragglers at the grace. */
    private void drain() {
        connections.forEach(Connection::stop);
        try {
            Weft.timeout(SHUTDOWN_GRACE, Weft.async(() -> {
                while (!connections.isEmpty()) {
                    connectionClosed.notified().await();
                }
            })).await();
        } catch (ElapsedException e) {
            LOG.log(System.Logger.Level.WARNING, connections.size() + " client(s) did not take their replies"
                    + " within " + SHUTDOWN_GRACE + "; closing them now");
            connections.forEach(Connection::forceClose);
        }
    }

    private Future<Void> purgeExpired() {
        return Weft.async(() -> {
            Interval tick = Weft.interval(config.purgeInterval());
            while (true) {
                tick.tick().await();
                keyspace.purgeExpired(PURGE_BUDGET);
            }
        });
    }

    // ---------------------------------------------------------------------------------------------
    // For connections and commands

    Keyspace keyspace() {
        return keyspace;
    }

    PubSub pubSub() {
        return pubSub;
    }

    void commandsProcessed(int n) {
        commandsProcessed.add(n);
    }

    void replyWritten() {
        replyWrites.increment();
    }

    void closed(Connection c) {
        if (connections.remove(c)) {
            clients.decrementAndGet();
        }
        connectionClosed.notifyOne();
    }

    /** CLIENT LIST: one line per client, as Redis writes them, plus the worker thread serving it. */
    String clientList() {
        StringBuilder sb = new StringBuilder();
        for (Connection c : connections) {
            if (!c.isKilled()) {
                sb.append(clientLine(c));
            }
        }
        return sb.toString();
    }

    /** CLIENT KILL: closes the connections that {@code which} picks; returns how many. */
    int kill(Predicate<Connection> which) {
        int n = 0;
        for (Connection c : connections) {
            if (!c.isKilled() && which.test(c) && c.kill()) {
                n++;
            }
        }
        return n;
    }

    String clientLine(Connection c) {
        Thread t = c.lastThread;
        return "id=" + c.id + " addr=" + c.address()
                + " name=" + c.name + " age=" + (System.nanoTime() - c.createdNanos) / 1_000_000_000L
                + " db=0 sub=" + c.channels.size() + " psub=" + c.patterns.size()
                + " cmd=" + c.lastCommand.toLowerCase(Locale.ROOT)
                + " worker=" + (t == null ? "none" : t.getName()) + "\n";
    }

    /** CONFIG GET's parameters and their values. */
    List<String[]> configParameters() {
        return List.of(
                new String[] {"save", ""},
                new String[] {"appendonly", "no"},
                new String[] {"databases", "1"},
                new String[] {"bind", config.address().getAddress().getHostAddress()},
                new String[] {"port", Integer.toString(localAddress().getPort())},
                new String[] {"maxclients", Integer.toString(config.maxClients())},
                new String[] {"timeout", Long.toString(config.idleTimeout().toSeconds())},
                new String[] {"proto-max-bulk-len", Long.toString(config.limits().maxBulk())},
                new String[] {"client-query-buffer-limit", Long.toString(config.maxQueryBuffer())},
                new String[] {"requirepass", config.requirePass() == null ? "" : config.requirePass()});
    }

    /** INFO: the sections clients and tools look at. */
    String info() {
        long keys = keyspace.size();
        return "# Server\r\n"
                + "redis_version:" + Commands.REDIS_VERSION + "\r\n"
                + "redis_mode:standalone\r\n"
                + "server_name:mini-redis-on-weft\r\n"
                + "os:" + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "\r\n"
                + "process_id:" + ProcessHandle.current().pid() + "\r\n"
                + "tcp_port:" + localAddress().getPort() + "\r\n"
                + "uptime_in_seconds:" + (System.nanoTime() - startNanos) / 1_000_000_000L + "\r\n"
                + "\r\n# Clients\r\n"
                + "connected_clients:" + clients.get() + "\r\n"
                + "maxclients:" + config.maxClients() + "\r\n"
                + "\r\n# Memory\r\n"
                + "used_memory:" + (java.lang.Runtime.getRuntime().totalMemory()
                        - java.lang.Runtime.getRuntime().freeMemory()) + "\r\n"
                + "\r\n# Stats\r\n"
                + "total_connections_received:" + connectionsReceived.get() + "\r\n"
                + "total_commands_processed:" + commandsProcessed.sum() + "\r\n"
                + "total_reply_writes:" + replyWrites.sum() + "\r\n"
                + "\r\n# Replication\r\n"
                + "role:master\r\n"
                + "connected_slaves:0\r\n"
                + "\r\n# Keyspace\r\n"
                + (keys > 0 ? "db0:keys=" + keys + ",expires=0,avg_ttl=0\r\n" : "");
    }
}
