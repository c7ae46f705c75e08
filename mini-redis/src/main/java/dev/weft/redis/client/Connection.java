package dev.weft.redis.client;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.net.TcpStream;
import dev.weft.redis.Frame;
import dev.weft.redis.RespEncoder;
import dev.weft.redis.RespParser;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * One connection to a Redis server: the socket, a read buffer and a RESP2 parser. {@link Client},
 * {@link Pipeline} and {@link Subscriber} talk through it.
 *
 * <p>Implementation overview. {@code in} holds bytes read from the socket, in write mode: the bytes not
 * yet parsed are {@code [start, in.position())}. A frame is parsed from a view of those bytes, so a
 * frame that is not all there leaves them as they were. When the view holds no whole frame, a read is
 * started into {@code in} from its position; the read future is kept in {@code read} until it
 * completes, across polls and across readers that gave up waiting, and {@code in} is compacted, grown
 * or replaced only while no read is in flight (the read fills whatever buffer it was given). So reading
 * frames loses no byte when a reader is cancelled: {@link #pollFrame} is cancel-safe.
 *
 * <p>A request-reply exchange is not: once a request is on the wire, its reply will come, and a reader
 * that gave up on it would take it for the reply to the next request. So an exchange, or a write,
 * that ends early for any reason (cancelled, an I/O error, a reply that is not RESP2) marks the
 * connection unusable, and every later exchange fails with an {@link IllegalStateException} saying
 * why.
 *
 * <p>Threads: every field is touched by the one task using the connection, one operation at a time;
 * the poller's happens-before edge between successive polls orders the accesses, so there are no
 * locks.
 */
final class Connection implements AutoCloseable {
    private static final int BUFFER_SIZE = 16 * 1024;

    private final TcpStream stream;
    private final String peer;
    private final RespParser parser = new RespParser(RespParser.Limits.REDIS, false);
    private ByteBuffer in = ByteBuffer.allocate(BUFFER_SIZE);
    private int start;
    /** The read in flight into {@code in}, or null. */
    private Future<Integer> read;
    /** Why the connection can no longer be used, or null while it can. */
    private String unusable;
    private Throwable unusableCause;
    private boolean closed;
    /** Whether an exchange is between its first write and its last reply. */
    private boolean busy;

    Connection(TcpStream stream, String peer) {
        this.stream = stream;
        this.peer = peer;
    }

    /** The server's address as the user gave it ({@code host:port}). */
    String peer() {
        return peer;
    }

    /** The RESP2 request for a command: an array of bulk strings. */
    static byte[] encode(List<byte[]> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encode(args, out);
        return out.toByteArray();
    }

    /** Appends the RESP2 request for a command to {@code out}. */
    static void encode(List<byte[]> args, ByteArrayOutputStream out) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least its name");
        }
        List<Frame> bulks = new ArrayList<>(args.size());
        for (byte[] a : args) {
            bulks.add(new Frame.Bulk(a));
        }
        RespEncoder.encode(new Frame.Array(bulks), out);
    }

    /**
     * Sends {@code request} in one write and reads {@code replies} frames, in order. Error replies are
     * returned as {@link Frame.Error}s. An exchange that ends before its last reply makes the
     * connection unusable (see the class comment).
     */
    Future<List<Frame>> exchange(byte[] request, int replies) {
        return Weft.async(() -> {
            checkUsable();
            if (busy) {
                throw new IllegalStateException("another command is in progress on the connection to " + peer
                        + ": a connection runs one command at a time (await each one before starting the next,"
                        + " queue several in a Pipeline, or open a connection per task)");
            }
            busy = true;
            try {
                send(request).await();
                List<Frame> frames = new ArrayList<>(replies);
                for (int i = 0; i < replies; i++) {
                    frames.add(nextFrame().await());
                }
                return frames;
            } catch (Throwable t) {
                breakOn(t);
                throw t;
            } finally {
                busy = false;
            }
        });
    }

    /** Writes all of {@code request}; a write that ends early makes the connection unusable. */
    Future<Void> send(byte[] request) {
        return Weft.async(() -> {
            checkUsable();
            try {
                stream.writeAll(ByteBuffer.wrap(request)).await();
            } catch (Throwable t) {
                breakOn(t);
                throw t;
            }
        });
    }

    /** The next frame; fails if the server has closed the connection. Cancel-safe. */
    Future<Frame> nextFrame() {
        return cx -> {
            Object r = pollFrame(cx);
            if (r == null) {
                breakOn(new EOFException("the server closed the connection"));
                throw new UncheckedIOException("the server at " + peer + " closed the connection",
                        new EOFException());
            }
            return r;
        };
    }

    /**
     * The next whole frame, {@link Future#PENDING}, or null if the server closed the connection between
     * frames. Cancel-safe: bytes stay buffered, and a read in flight is kept for the next call.
     *
     * @throws dev.weft.redis.ProtocolException if the server's bytes are not RESP2
     * @throws UncheckedIOException if the connection fails, or ends in the middle of a frame
     */
    Object pollFrame(Context cx) {
        try {
            return pollFrameOrFail(cx);
        } catch (RuntimeException e) {
            breakOn(e);
            throw e;
        }
    }

    private Object pollFrameOrFail(Context cx) {
        while (true) {
            if (read == null) {
                ByteBuffer view = in.slice(start, in.position() - start);
                Frame f = parser.parse(view);
                if (f != null) {
                    start += view.position();
                    return f;
                }
                makeRoom();
                read = stream.read(in);
            }
            Object r = read.poll(cx);
            if (r == Future.PENDING) {
                return Future.PENDING;
            }
            read = null;
            if ((Integer) r < 0) {
                if (start == in.position()) {
                    return null;
                }
                throw new UncheckedIOException("the server at " + peer + " closed the connection in the middle"
                        + " of a reply", new EOFException());
            }
        }
    }

    /** Makes room after the buffered bytes: starts over when all were parsed, else compacts or grows. */
    private void makeRoom() {
        if (start == in.position()) {
            if (in.capacity() > BUFFER_SIZE) {
                in = ByteBuffer.allocate(BUFFER_SIZE); // a large reply is gone: give its memory back
            }
            in.clear();
            start = 0;
        } else if (!in.hasRemaining()) {
            ByteBuffer rest = in.flip().position(start);
            in = rest.remaining() * 2 > rest.capacity()
                    ? ByteBuffer.allocate(rest.capacity() * 2).put(rest) : rest.compact();
            start = 0;
        }
    }

    /** Marks the connection unusable because of {@code t}, unless it already is. */
    void breakOn(Throwable t) {
        if (unusable == null) {
            unusable = t instanceof CancellationException
                    ? "a command was cancelled before its reply had been read, so the replies on this connection"
                            + " no longer match the commands; open a new connection"
                    : "a command failed part-way: " + t;
            unusableCause = t;
        }
    }

    /**
     * Fails with a message saying why if the connection can no longer be used.
     *
     * @throws IllegalStateException if it cannot
     */
    void checkUsable() {
        if (unusable != null) {
            throw new IllegalStateException("the connection to " + peer + " cannot be used: " + unusable,
                    unusableCause);
        }
    }

    /** Whether {@link #close()} has been called. */
    boolean isClosed() {
        return closed;
    }

    /** Closes the socket; later calls fail saying the client was closed. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (unusable == null) {
            unusable = "it was closed";
        }
        if (read != null) {
            read.cancel();
            read = null;
        }
        stream.close();
    }
}
