package dev.weft.redis.client;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.redis.Frame;
import dev.weft.stream.Stream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * A connection in subscribe mode, made by {@link Client#subscribe} or {@link Client#psubscribe}: it
 * receives the messages published to its channels and patterns, as a {@link Stream}, and can
 * subscribe to more or unsubscribe.
 *
 * <pre>{@code
 * try (Subscriber sub = client.subscribe("news").await()) {      // the server has confirmed "news"
 *     Stream<Message> messages = sub.messages();
 *     for (Message m; (m = messages.next().await()) != null; ) {
 *         System.out.println(m.channel() + ": " + m.text());
 *     }
 * }
 * }</pre>
 *
 * <p>Each (un)subscribe call completes once the server has confirmed every channel or pattern in it,
 * so a message published after a {@code subscribe} completed is received, and none arrives for a
 * channel after an {@code unsubscribe} of it completed. Messages that arrive while a call waits for its
 * confirmations are kept for the stream, in order.
 *
 * <p>Like a {@link Client}, a subscriber is used by one task at a time, one operation at a time: await
 * an (un)subscribe before taking the next message. Not thread-safe.
 *
 * <h2>Implementation overview</h2>
 * The server sends one sequence of frames: messages, and its confirmations of (un)subscriptions, in
 * the order it produced them. Whoever reads a frame, the message stream or an (un)subscribe call,
 * dispatches it: a message is queued in {@code queued}; a confirmation updates {@code channels} or
 * {@code patterns} and counts down {@code awaited}, the number of confirmations still to come for the
 * requests sent so far. A call sends its request, adds its count to {@code awaited} and reads until
 * {@code awaited} is zero. A call cancelled after its request went out leaves its confirmations in
 * {@code awaited}, for whoever reads next, so the count stays right.
 */
public final class Subscriber implements AutoCloseable {
    private final Connection conn;
    private final Set<String> channels = new LinkedHashSet<>();
    private final Set<String> patterns = new LinkedHashSet<>();
    private final Queue<Message> queued = new ArrayDeque<>();
    private int awaited;
    /** Whether the server closed the connection: the message stream has ended. */
    private boolean ended;

    Subscriber(Connection conn) {
        this.conn = conn;
    }

    /**
     * The messages received on this connection, from every channel and pattern, in the order the
     * server sent them. The stream ends when the connection is closed (by {@link #close()} or by the
     * server); it fails if the connection fails. While there is no subscription it stays pending.
     *
     * <p>Each call returns a view of the one sequence of messages: a message goes to whichever view
     * takes it first. Cancelling (closing) a view does not close the subscriber.
     *
     * <p><b>Cancel safety:</b> {@code next()} is cancel-safe: a message leaves the connection's buffer
     * only in the poll that returns it, so one cut short by a select or a timeout loses nothing.
     *
     * <p>Cost: messages are parsed from the connection's buffer, one socket read per buffer-full.
     */
    public Stream<Message> messages() {
        return this::pollMessage;
    }

    private Object pollMessage(Context cx) {
        while (true) {
            Message m = queued.poll();
            if (m != null) {
                return m;
            }
            if (ended || conn.isClosed()) {
                return null;
            }
            conn.checkUsable();
            Object r = conn.pollFrame(cx);
            if (r == Future.PENDING) {
                return Future.PENDING;
            }
            if (r == null) {
                ended = true;
                return null;
            }
            dispatch((Frame) r);
        }
    }

    /**
     * {@code SUBSCRIBE channel...}: completes once the server has confirmed every channel.
     *
     * <p><b>Cancel safety:</b> cancelled after the request went out, the subscriptions still happen (the
     * next read takes their confirmations); cancelled part-way through the write, the subscriber is
     * broken and later calls fail.
     */
    public Future<Void> subscribe(String... channels) {
        requireSome("SUBSCRIBE", channels);
        return control("SUBSCRIBE", channels, () -> channels.length);
    }

    /** {@code PSUBSCRIBE pattern...}: as {@link #subscribe}, for glob-style patterns. */
    public Future<Void> psubscribe(String... patterns) {
        requireSome("PSUBSCRIBE", patterns);
        return control("PSUBSCRIBE", patterns, () -> patterns.length);
    }

    /**
     * {@code UNSUBSCRIBE channel...}, or from every channel if none is given: completes once the server
     * has confirmed it. Pattern subscriptions are not touched. Cancel safety as for {@link #subscribe}.
     */
    public Future<Void> unsubscribe(String... channels) {
        // Unsubscribing from all is confirmed once per channel, or once (with no channel) if there are none.
        return control("UNSUBSCRIBE", channels,
                () -> channels.length > 0 ? channels.length : Math.max(1, this.channels.size()));
    }

    /** {@code PUNSUBSCRIBE pattern...}, or from every pattern: as {@link #unsubscribe}. */
    public Future<Void> punsubscribe(String... patterns) {
        return control("PUNSUBSCRIBE", patterns,
                () -> patterns.length > 0 ? patterns.length : Math.max(1, this.patterns.size()));
    }

    /** The channels the server has confirmed this connection is subscribed to, in order. */
    public Set<String> channels() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(channels));
    }

    /** The patterns the server has confirmed this connection is subscribed to, in order. */
    public Set<String> patterns() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(patterns));
    }

    /** Closes the connection; the message stream ends. Idempotent. */
    @Override
    public void close() {
        conn.close();
    }

    @Override
    public String toString() {
        return "Subscriber[" + conn.peer() + ", channels=" + channels + ", patterns=" + patterns + "]";
    }

    /** Sends {@code command names...}, then reads until every confirmation asked for so far is in. */
    private Future<Void> control(String command, String[] names, IntSupplier confirmations) {
        List<byte[]> args = new ArrayList<>(names.length + 1);
        args.add(Client.utf8(command));
        for (String n : names) {
            args.add(Client.utf8(n));
        }
        byte[] request = Connection.encode(args);
        return Weft.async(() -> {
            conn.checkUsable();
            settle(); // the earlier calls' confirmations first: an unsubscribe from all counts the channels
            int expected = confirmations.getAsInt();
            conn.send(request).await();
            awaited += expected;
            settle();
        });
    }

    private void settle() {
        while (awaited > 0) {
            dispatch(conn.nextFrame().await());
        }
    }

    private void dispatch(Frame frame) {
        if (frame instanceof Frame.Error e) {
            // An error answers a whole request, whose confirmations will then never come: the count is lost.
            RedisException failure = new RedisException(e.text());
            conn.breakOn(failure);
            throw failure;
        }
        List<Frame> f = frame instanceof Frame.Array a ? a.elements() : List.of();
        String kind = f.size() >= 3 && f.getFirst() instanceof Frame.Bulk b ? b.text() : "";
        switch (kind) {
            case "message" -> queued.add(new Message(text(f.get(1)), null, bytes(f.get(2))));
            case "pmessage" -> queued.add(new Message(text(f.get(2)), text(f.get(1)), bytes(f.getLast())));
            case "subscribe" -> {
                channels.add(text(f.get(1)));
                awaited--;
            }
            case "psubscribe" -> {
                patterns.add(text(f.get(1)));
                awaited--;
            }
            case "unsubscribe" -> {
                if (f.get(1) instanceof Frame.Bulk b) { // null when there was no channel to leave
                    channels.remove(b.text());
                }
                awaited--;
            }
            case "punsubscribe" -> {
                if (f.get(1) instanceof Frame.Bulk b) {
                    patterns.remove(b.text());
                }
                awaited--;
            }
            default -> throw new IllegalStateException("unexpected frame in subscribe mode: " + frame);
        }
    }

    private static String text(Frame f) {
        return new String(bytes(f), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(Frame f) {
        if (f instanceof Frame.Bulk b) {
            return b.bytes();
        }
        throw new IllegalStateException("expected a bulk string in a pub/sub frame, got " + f);
    }

    private static void requireSome(String command, String[] names) {
        if (names.length == 0) {
            throw new IllegalArgumentException(command + " needs at least one name");
        }
    }
}
