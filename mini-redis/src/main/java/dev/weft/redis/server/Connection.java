package dev.weft.redis.server;

import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.compose.Select;
import dev.weft.net.TcpStream;
import dev.weft.redis.ProtocolException;
import dev.weft.redis.RespParser;
import dev.weft.time.ElapsedException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One client: a task that reads what the client sent, runs every whole command in it, and answers the
 * batch with one write; then reads again. Pipelining of any depth falls out of that: replies go in the
 * order the commands came, and a batch's replies leave together. In subscribe mode the task also waits
 * for messages from its {@link PubSub.Subscriber} inbox, whichever comes first.
 */
final class Connection {
    private static final System.Logger LOG = System.getLogger("dev.weft.redis.server");
    private static final int INITIAL_BUFFER = 16 * 1024;
    /** Stands for "the select delivered messages instead of reading". */
    private static final int DELIVERED = -2;

    final Server server;
    final long id;
    final long createdNanos = System.nanoTime();
    private final TcpStream stream;
    private final InetSocketAddress peer;
    private final RespParser parser;
    private final Reply out = new Reply(INITIAL_BUFFER);

    // Session state, touched only by this connection's task (and read racily by CLIENT LIST).
    volatile String name = "";
    /** Written per command without a fence (CLIENT LIST reads it racily: a recent value is enough). */
    String lastCommand = "NULL";
    volatile Thread lastThread;
    boolean authenticated;
    private boolean killed;
    /** Set by QUIT, SHUTDOWN, a protocol error or a limit: close once this batch's replies are out. */
    boolean closing;
    /** Non-null in subscribe mode. Volatile: CLIENT KILL TYPE on another worker reads it. */
    volatile PubSub.Subscriber subscriber;
    final Set<String> channels = new LinkedHashSet<>();
    final Set<String> patterns = new LinkedHashSet<>();

    Connection(Server server, long id, TcpStream stream) {
        this.server = server;
        this.id = id;
        this.stream = stream;
        this.peer = stream.peerAddress();
        this.parser = new RespParser(server.config().limits(), true);
        this.authenticated = server.config().requirePass() == null;
    }

    InetSocketAddress peer() {
        return peer;
    }

    /** The peer as Redis writes it: {@code ip:port}. */
    String address() {
        return peer.getAddress().getHostAddress() + ":" + peer.getPort();
    }

    boolean isSubscriber() {
        return subscriber != null;
    }

    /** The connection's task: serve until the client leaves or the server stops, then clean up. */
    Future<Void> run() {
        return Weft.async(() -> {
            try {
                serve();
            } catch (RuntimeException e) {
                // A reset by the peer, a write to a closed socket: this client is gone, the server is not.
                LOG.log(System.Logger.Level.DEBUG, () -> "client " + id + " (" + peer + ") failed", e);
            } finally {
                leaveSubscribeMode();
                stream.close();
                server.closed(this);
            }
        });
    }

    /** Asks the task to stop after the batch in hand: its next read sees the end of input. Any thread. */
    void stop() {
        try {
            stream.shutdownInput();
        } catch (RuntimeException alreadyClosed) {
            stream.close();
        }
    }

    /** Closes the socket now, whatever the task is doing (a shutdown whose grace time ran out). */
    void forceClose() {
        stream.close();
    }

    /**
     * CLIENT KILL: closes the socket now; true only the first time, so a connection whose task has not
     * yet noticed is not killed (or listed) twice. Any thread.
     */
    boolean kill() {
        synchronized (this) {
            if (killed) {
                return false;
            }
            killed = true;
        }
        stream.close();
        return true;
    }

    synchronized boolean isKilled() {
        return killed;
    }

    private void serve() {
        int initial = (int) Math.min(INITIAL_BUFFER, server.config().maxQueryBuffer());
        ByteBuffer in = ByteBuffer.allocate(initial);
        while (!closing) {
            int n = readOrDeliver(in);
            if (n == DELIVERED) {
                flush();
                continue;
            }
            if (n < 0) {
                return;
            }
            lastThread = Thread.currentThread();
            in.flip();
            try {
                byte[][] argv;
                int commands = 0;
                while (!closing && (argv = parser.parseCommand(in)) != null) {
                    if (argv.length > 0) {
                        Commands.execute(this, argv, out);
                        commands++;
                    }
                }
                server.commandsProcessed(commands);
            } catch (ProtocolException e) {
                protocolError(e.getMessage());
            }
            in.compact();
            if (!closing && !in.hasRemaining()) {
                in = grow(in);
            } else if (in.position() == 0 && in.capacity() > initial) {
                in = ByteBuffer.allocate(initial); // a big command is done: give its buffer back
            }
            flush();
        }
    }

    /** Reads into {@code in}; in subscribe mode, or delivers waiting messages ({@link #DELIVERED}). */
    private int readOrDeliver(ByteBuffer in) {
        if (subscriber == null) {
            var idle = server.config().idleTimeout();
            if (idle.isZero()) {
                return stream.read(in).await();
            }
            try {
                return Weft.timeout(idle, stream.read(in)).await();
            } catch (ElapsedException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "closing client " + id + " idle for " + idle);
                return -1;
            }
        }
        PubSub.Subscriber sub = subscriber;
        return Select.<Integer>biased()
                .on(sub.inbox.recv(), message -> deliver(sub, message))
                .on(stream.read(in), n -> n)
                .await();
    }

    /** Puts {@code first} and whatever else waits in the inbox into the reply buffer. */
    private int deliver(PubSub.Subscriber sub, byte[] first) {
        if (first == null) {
            // The inbox ended: the publisher side cut this subscriber off for falling behind.
            LOG.log(System.Logger.Level.WARNING, () -> "closing client " + id + " (" + peer + "): a slow"
                    + " subscriber, " + sub.capacity + " messages waiting (the subscriber buffer limit)");
            closing = true;
            return DELIVERED;
        }
        out.raw(first);
        byte[] next;
        // A bounded batch, so a busy channel cannot keep this task from reading commands.
        for (int i = 0; i < 256 && (next = sub.inbox.tryRecv()) != null; i++) {
            out.raw(next);
        }
        return DELIVERED;
    }

    /** Replies with Redis's protocol error and closes once it is sent. */
    private void protocolError(String what) {
        out.error("ERR Protocol error: " + what);
        closing = true;
        LOG.log(System.Logger.Level.INFO, () -> "closing client " + id + " (" + peer + "): protocol error: " + what);
    }

    private ByteBuffer grow(ByteBuffer in) {
        long max = server.config().maxQueryBuffer();
        if (in.capacity() >= max) {
            protocolError("the client query buffer limit of " + max + " bytes was reached before a whole"
                    + " command arrived");
            return in;
        }
        ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(max, Math.min(Integer.MAX_VALUE - 8,
                2L * in.capacity())));
        in.flip();
        bigger.put(in);
        return bigger;
    }

    private void flush() {
        if (out.size() == 0) {
            return;
        }
        ByteBuffer b = out.view();
        server.replyWritten();
        while (b.hasRemaining()) {
            stream.write(b).await();
        }
        out.clear();
        out.shrinkTo(INITIAL_BUFFER);
    }

    // ---------------------------------------------------------------------------------------------
    // Subscribe mode (called by Commands)

    /** The subscriber, made on the first SUBSCRIBE or PSUBSCRIBE. */
    PubSub.Subscriber subscriber() {
        if (subscriber == null) {
            subscriber = new PubSub.Subscriber(server.config().subscriberBuffer());
        }
        return subscriber;
    }

    int subscriptions() {
        return channels.size() + patterns.size();
    }

    /** Leaves every channel and pattern and drops the inbox, if this connection had one. */
    void leaveSubscribeMode() {
        for (String c : channels) {
            server.pubSub().unsubscribe(c, subscriber);
        }
        for (String p : patterns) {
            server.pubSub().punsubscribe(p, subscriber);
        }
        channels.clear();
        patterns.clear();
        if (subscriber != null) {
            subscriber.inbox.close();
            subscriber = null;
        }
    }
}
