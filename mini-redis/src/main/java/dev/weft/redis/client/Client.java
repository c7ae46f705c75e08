package dev.weft.redis.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.net.TcpStream;
import dev.weft.redis.Frame;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * An async Redis client: one connection, each command a Weft future.
 *
 * <pre>{@code
 * Runtime.run(() -> {
 *     try (Client client = Client.connect("127.0.0.1", 6379).await()) {
 *         client.set("greeting", "hello").await();
 *         Optional<String> v = client.get("greeting").await();        // Optional[hello]
 *         long visits = client.incr("visits").await();
 *     }
 * });
 * }</pre>
 *
 * <h2>One task at a time</h2>
 * A client is one connection, like a Jedis connection, and runs one command at a time: await each
 * command before starting the next. A command started while another waits for its reply fails with
 * {@link IllegalStateException}. For many commands in one round trip, use a {@link #pipeline()}; for
 * commands from several tasks at once, open a client per task. A client has no locks: it may pass from
 * task to task through something that orders the hand-over (a channel, a join), not be shared.
 *
 * <h2>Cost</h2>
 * A command is one write of its encoded form and one round trip to the server; the reply is parsed
 * from a 16 KB buffer that grows for a larger one. Like every Weft future, a command is lazy: nothing
 * is sent until it is awaited (or otherwise polled).
 *
 * <h2>Cancel safety</h2>
 * Commands are <b>not</b> cancel-safe. A command cancelled after it started (dropped by a select, cut
 * off by a timeout, its task aborted) may have sent its request without reading the reply, which would
 * then be taken for the reply to the next command. So the client is marked broken: every later command
 * fails with an {@link IllegalStateException} that says why, and the client should be closed and a new
 * one connected. A command future that was never polled may be dropped freely. {@link Subscriber}'s
 * message stream, which has no replies to match, is cancel-safe.
 *
 * <h2>Errors</h2>
 * An error reply fails the command with a {@link RedisException} holding the server's text; the client
 * stays usable. An I/O failure is an {@link UncheckedIOException} and breaks the client, as does a
 * server that closes the connection.
 */
public final class Client implements AutoCloseable {
    private final Connection conn;
    /** Whether {@link #subscribe} or {@link #psubscribe} gave the connection to a {@link Subscriber}. */
    private boolean subscribed;

    private Client(Connection conn) {
        this.conn = conn;
    }

    /**
     * A future that connects to the server at {@code host} and {@code port}: a name lookup (on the
     * blocking pool, none for an IP literal), then a TCP connect.
     *
     * <p><b>Cancel safety:</b> cancel-safe: cancelling it closes the socket being connected.
     *
     * @throws UncheckedIOException (from the future) if the connection cannot be made, with a message
     *     such as {@code "could not connect to 127.0.0.1:6379: Connection refused"}
     */
    public static Future<Client> connect(String host, int port) {
        Objects.requireNonNull(host, "host");
        return connect(TcpStream.connect(host, port), host + ":" + port);
    }

    /** {@link #connect(String, int)} to an address that needs no lookup. */
    public static Future<Client> connect(SocketAddress address) {
        Objects.requireNonNull(address, "address");
        String peer = address instanceof InetSocketAddress a ? a.getHostString() + ":" + a.getPort()
                : address.toString();
        return connect(TcpStream.connect(address), peer);
    }

    private static Future<Client> connect(Future<TcpStream> connecting, String peer) {
        return Weft.async(() -> {
            TcpStream stream;
            try {
                stream = connecting.await();
            } catch (UncheckedIOException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new UncheckedIOException("could not connect to " + peer + ": " + cause.getMessage(),
                        e.getCause());
            }
            return new Client(new Connection(stream, peer));
        });
    }

    /** {@code PING}: completes with {@code "PONG"}. */
    public Future<String> ping() {
        return call("PING").map(Client::text);
    }

    /** {@code PING message}: completes with {@code message}, back from the server. */
    public Future<String> ping(String message) {
        return call("PING", message).map(Client::text);
    }

    /** {@code GET key}: the key's value, or empty if there is no such key. */
    public Future<Optional<byte[]>> get(byte[] key) {
        return call("GET", key).map(reply -> bytes("GET", reply));
    }

    /** {@link #get(byte[])} with the key and the value as UTF-8 text. */
    public Future<Optional<String>> get(String key) {
        return call("GET", key).map(reply -> bytes("GET", reply).map(b -> new String(b, UTF_8)));
    }

    /** {@code SET key value}: completes with true. */
    public Future<Boolean> set(byte[] key, byte[] value) {
        return set(key, value, SetOptions.defaults());
    }

    /** {@link #set(byte[], byte[])} with the key and the value as UTF-8 text. */
    public Future<Boolean> set(String key, String value) {
        return set(key, value, SetOptions.defaults());
    }

    /**
     * {@code SET key value} with {@code options}: completes with whether the key was set, which is
     * false only when the {@code NX} or {@code XX} condition did not hold.
     */
    public Future<Boolean> set(byte[] key, byte[] value, SetOptions options) {
        return call(setArgs(key, value, options, false)).map(reply -> reply instanceof Frame.Simple);
    }

    /** {@link #set(byte[], byte[], SetOptions)} with the key and the value as UTF-8 text. */
    public Future<Boolean> set(String key, String value, SetOptions options) {
        return set(key.getBytes(UTF_8), value.getBytes(UTF_8), options);
    }

    /**
     * {@code SET key value GET} with {@code options}: sets the key (if the options' condition holds) and
     * completes with its old value, or empty if it had none. Pass {@link SetOptions#defaults()} for a
     * plain one.
     *
     * @throws RedisException (from the future) with {@code WRONGTYPE} if the old value is not a string
     */
    public Future<Optional<byte[]>> setAndGet(byte[] key, byte[] value, SetOptions options) {
        return call(setArgs(key, value, options, true)).map(reply -> bytes("SET ... GET", reply));
    }

    /** {@link #setAndGet(byte[], byte[], SetOptions)} with the key and the values as UTF-8 text. */
    public Future<Optional<String>> setAndGet(String key, String value, SetOptions options) {
        return setAndGet(key.getBytes(UTF_8), value.getBytes(UTF_8), options)
                .map(old -> old.map(b -> new String(b, UTF_8)));
    }

    private static List<byte[]> setArgs(byte[] key, byte[] value, SetOptions options, boolean get) {
        List<byte[]> args = new ArrayList<>(List.of(utf8("SET"), key, value));
        options.words().forEach(w -> args.add(utf8(w)));
        if (get) {
            args.add(utf8("GET"));
        }
        return args;
    }

    /** {@code DEL key...}: completes with how many of the keys existed and were removed. */
    public Future<Long> del(String... keys) {
        if (keys.length == 0) {
            throw new IllegalArgumentException("DEL needs at least one key");
        }
        return call(prepend("DEL", keys)).map(reply -> integer("DEL", reply));
    }

    /**
     * {@code INCR key}: adds one to the integer stored at the key (a missing key counts as 0) and
     * completes with the new value.
     *
     * @throws RedisException (from the future) {@code "ERR value is not an integer or out of range"} if
     *     the value is not a 64-bit integer
     */
    public Future<Long> incr(String key) {
        return call("INCR", key).map(reply -> integer("INCR", reply));
    }

    /** {@code INCRBY key by}: as {@link #incr}, adding {@code by} (which may be negative). */
    public Future<Long> incrBy(String key, long by) {
        return call("INCRBY", key, Long.toString(by)).map(reply -> integer("INCRBY", reply));
    }

    /**
     * Gives the key a time to live: {@code EXPIRE} when {@code ttl} is whole seconds, else
     * {@code PEXPIRE} (in whole milliseconds, rounded down). Completes with whether the key exists
     * (and so got it).
     */
    public Future<Boolean> expire(String key, Duration ttl) {
        long millis = ttl.toMillis();
        Future<Frame> reply = millis % 1000 == 0
                ? call("EXPIRE", key, Long.toString(millis / 1000))
                : call("PEXPIRE", key, Long.toString(millis));
        return reply.map(r -> integer("EXPIRE", r) == 1);
    }

    /**
     * {@code TTL key}: the key's remaining time to live in seconds; -1 if it has none, -2 if there is no
     * such key (Redis's convention).
     */
    public Future<Long> ttl(String key) {
        return call("TTL", key).map(reply -> integer("TTL", reply));
    }

    /** {@code PUBLISH channel message}: completes with how many subscribers received it. */
    public Future<Long> publish(String channel, byte[] message) {
        return call(List.of(utf8("PUBLISH"), utf8(channel), message)).map(reply -> integer("PUBLISH", reply));
    }

    /** {@link #publish(String, byte[])} with the message as UTF-8 text. */
    public Future<Long> publish(String channel, String message) {
        return publish(channel, message.getBytes(UTF_8));
    }

    /**
     * Any command, as its words ({@code command("MSET", "user:1", "Ada", "user:2", "Grace")}): completes with the
     * reply frame.
     *
     * @throws RedisException (from the future) if the reply is an error
     */
    public Future<Frame> command(String... args) {
        return call(Arrays.stream(args).map(Client::utf8).toList());
    }

    /** {@link #command(String...)} with binary words. */
    public Future<Frame> command(byte[]... args) {
        return call(List.of(args));
    }

    /**
     * A new pipeline on this client's connection: commands queued in it go out in one write and their
     * replies are read in one go, saving a round trip per command.
     */
    public Pipeline pipeline() {
        return new Pipeline(this);
    }

    /**
     * {@code SUBSCRIBE channel...}: turns the connection into a {@link Subscriber}, completing once the
     * server has confirmed every channel, so a message published after that is received. This client
     * cannot run commands any more: later calls fail with {@link IllegalStateException}. Closing either the
     * client or the subscriber closes the connection. If the subscription fails, the connection is closed.
     *
     * <p><b>Cancel safety:</b> not cancel-safe: cancelled, it closes the connection.
     */
    public Future<Subscriber> subscribe(String... channels) {
        return toSubscriber(s -> s.subscribe(channels));
    }

    /**
     * {@code PSUBSCRIBE pattern...}: as {@link #subscribe}, for channels matching glob-style patterns
     * ({@code news.*}); the messages name the pattern they matched.
     */
    public Future<Subscriber> psubscribe(String... patterns) {
        return toSubscriber(s -> s.psubscribe(patterns));
    }

    private Future<Subscriber> toSubscriber(Function<Subscriber, Future<Void>> first) {
        return Weft.async(() -> {
            checkNotSubscribed();
            conn.checkUsable();
            subscribed = true;
            Subscriber s = new Subscriber(conn);
            boolean ok = false;
            try {
                first.apply(s).await();
                ok = true;
                return s;
            } finally {
                if (!ok) {
                    conn.close();
                }
            }
        });
    }

    /**
     * The request bytes in one write and {@code replies} frames back, for {@link Pipeline}; error
     * replies are frames, not failures.
     */
    Future<List<Frame>> exchange(byte[] request, int replies) {
        return Weft.async(() -> {
            checkNotSubscribed();
            return conn.exchange(request, replies).await();
        });
    }

    /**
     * Closes the connection (also a {@link Subscriber}'s, if this client became one). Commands after it
     * fail with {@link IllegalStateException}. Idempotent.
     */
    @Override
    public void close() {
        conn.close();
    }

    @Override
    public String toString() {
        return "Client[" + conn.peer() + "]";
    }

    private void checkNotSubscribed() {
        if (subscribed) {
            throw new IllegalStateException("the connection to " + conn.peer() + " is in subscribe mode: use the"
                    + " Subscriber that subscribe() returned, or connect another client for commands");
        }
    }

    private Future<Frame> call(String name, Object... rest) {
        List<byte[]> args = new ArrayList<>(rest.length + 1);
        args.add(utf8(name));
        for (Object r : rest) {
            args.add(r instanceof byte[] b ? b : utf8((String) r));
        }
        return call(args);
    }

    private Future<Frame> call(List<byte[]> args) {
        byte[] request = Connection.encode(args);
        return Weft.async(() -> {
            checkNotSubscribed();
            Frame reply = conn.exchange(request, 1).await().getFirst();
            if (reply instanceof Frame.Error e) {
                throw new RedisException(e.text());
            }
            return reply;
        });
    }

    private static List<byte[]> prepend(String name, String[] words) {
        List<byte[]> args = new ArrayList<>(words.length + 1);
        args.add(utf8(name));
        for (String w : words) {
            args.add(utf8(w));
        }
        return args;
    }

    static byte[] utf8(String s) {
        return s.getBytes(UTF_8);
    }

    private static String text(Frame reply) {
        return switch (reply) {
            case Frame.Simple s -> s.text();
            case Frame.Bulk b -> b.text();
            default -> throw unexpected("PING", reply);
        };
    }

    private static Optional<byte[]> bytes(String command, Frame reply) {
        return switch (reply) {
            case Frame.Bulk b -> Optional.of(b.bytes());
            case Frame.NullBulk n -> Optional.empty();
            default -> throw unexpected(command, reply);
        };
    }

    private static long integer(String command, Frame reply) {
        if (reply instanceof Frame.Int i) {
            return i.value();
        }
        throw unexpected(command, reply);
    }

    private static IllegalStateException unexpected(String command, Frame reply) {
        return new IllegalStateException("unexpected reply to " + command + ": " + reply);
    }
}
