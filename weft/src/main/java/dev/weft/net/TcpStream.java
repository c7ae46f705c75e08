package dev.weft.net;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.io.AsyncRead;
import dev.weft.io.AsyncWrite;
import dev.weft.io.Reactor;
import dev.weft.io.IoFuture;
import dev.weft.io.Registration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP connection: Tokio's {@code TcpStream}. Every operation is a future; none blocks a thread.
 *
 * <pre>{@code
 * TcpStream s = TcpStream.connect(new InetSocketAddress("127.0.0.1", 6379)).await();
 * s.writeAll(ByteBuffer.wrap("PING\r\n".getBytes(US_ASCII))).await();
 * ByteBuffer buf = ByteBuffer.allocate(64);
 * int n = s.read(buf).await();            // -1: the peer closed its side
 * }</pre>
 *
 * <p>Buffers are the caller's: a read fills {@code dst} from its position, a write drains {@code src}
 * from its position, as {@link SocketChannel} does. Errors are {@link UncheckedIOException}s that name
 * the operation and both addresses; a reset peer is reported by the next read or write.
 *
 * <p>{@code TCP_NODELAY} is on: small writes go out at once (a request-reply protocol needs that). Two
 * tasks may use one stream at once if one reads and the other writes; {@link #split()} makes that
 * explicit. A stream belongs to the runtime it was made in.
 */
public final class TcpStream implements AsyncRead, AsyncWrite, AutoCloseable {
    private final SocketChannel channel;
    private final Registration reg;
    /** Bytes a {@link #peek} read from the socket and no read has taken yet; null if none. */
    private ByteBuffer peeked;

    private TcpStream(SocketChannel channel, Registration reg) {
        this.channel = channel;
        this.reg = reg;
    }

    static TcpStream accepted(SocketChannel ch, Reactor reactor) {
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            throw new UncheckedIOException("could not set TCP_NODELAY on an accepted connection", e);
        }
        return new TcpStream(ch, reactor.register(ch, Registration.READ | Registration.WRITE));
    }

    /**
     * A future that connects to {@code address} and completes with the stream. Nothing happens until it
     * is polled; cancelling it closes the half-open socket.
     *
     * @throws UncheckedIOException (from the future) if the connection is refused or fails
     */
    public static Future<TcpStream> connect(SocketAddress address) {
        return new Connect(Objects.requireNonNull(address, "address"));
    }

    /**
     * {@link #connect(SocketAddress)} that gives up after {@code timeout}, failing with
     * {@link dev.weft.time.ElapsedException} (the socket is closed).
     */
    public static Future<TcpStream> connect(SocketAddress address, Duration timeout) {
        return Weft.timeout(timeout, connect(address));
    }

    /**
     * A future that looks {@code host} up ({@link Dns#lookup(String, int)}) and connects to its
     * addresses in the resolver's order, one at a time, completing with the first connection made (as
     * Tokio's {@code TcpStream::connect} with a host name does). If every address fails, the future
     * fails with the last address's error, the earlier ones attached to it as suppressed exceptions.
     *
     * <p>Cost: a lookup on the blocking pool (none for an IP literal), then a connect per address tried:
     * an address that does not answer holds up the next one for the OS's connect timeout, so bound the
     * whole with {@link dev.weft.Weft#timeout}.
     *
     * <p><b>Cancel safety:</b> cancelling it closes the socket of the attempt in progress.
     *
     * @throws UncheckedIOException (from the future) if the host is unknown (an
     *     {@link java.net.UnknownHostException} cause) or no address accepts the connection
     */
    public static Future<TcpStream> connect(String host, int port) {
        return new ConnectAny(Dns.lookup(host, port));
    }

    /** Tries each address of a lookup in turn; see {@link #connect(String, int)}. */
    private static final class ConnectAny implements Future<TcpStream> {
        private final Future<List<InetSocketAddress>> lookup;
        private List<InetSocketAddress> addresses;
        private int next;
        private Future<TcpStream> attempt;
        private final List<UncheckedIOException> failures = new ArrayList<>();

        ConnectAny(Future<List<InetSocketAddress>> lookup) {
            this.lookup = lookup;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object poll(Context cx) {
            if (addresses == null) {
                Object r = lookup.poll(cx);
                if (r == PENDING) {
                    return PENDING;
                }
                addresses = (List<InetSocketAddress>) r;
            }
            while (true) {
                if (attempt == null) {
                    if (next == addresses.size()) {
                        throw lastWithTheRest(); // a lookup has at least one address, so one attempt failed
                    }
                    attempt = connect(addresses.get(next++));
                }
                try {
                    return attempt.poll(cx);
                } catch (UncheckedIOException e) {
                    attempt = null;
                    failures.add(e);
                }
            }
        }

        /** The last failure with the earlier ones suppressed in it; empties the list, so it is done once. */
        private UncheckedIOException lastWithTheRest() {
            UncheckedIOException last = failures.getLast();
            failures.subList(0, failures.size() - 1).forEach(last::addSuppressed);
            failures.clear();
            failures.add(last);
            return last;
        }

        @Override
        public void cancel() {
            lookup.cancel();
            if (attempt != null) {
                attempt.cancel();
            }
        }
    }

    private static final class Connect implements Future<TcpStream> {
        private final SocketAddress address;
        private SocketChannel ch;
        private IoFuture<TcpStream> finish;

        Connect(SocketAddress address) {
            this.address = address;
        }

        @Override
        public Object poll(Context cx) {
            if (finish == null) {
                Reactor reactor = Reactor.current();
                try {
                    ch = SocketChannel.open();
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    ch.configureBlocking(false);
                    boolean now = ch.connect(address);
                    Registration reg = reactor.register(ch, now ? Registration.READ | Registration.WRITE : 0);
                    TcpStream stream = new TcpStream(ch, reg);
                    if (now) {
                        return stream;
                    }
                    finish = new IoFuture<>(reg, Registration.WRITE, "connect to " + address,
                            () -> ch.finishConnect() ? stream : null);
                } catch (IOException e) {
                    TcpListener.closeQuietly(ch);
                    throw new UncheckedIOException("could not connect to " + address + ": " + e.getMessage(), e);
                }
            }
            try {
                return finish.poll(cx);
            } catch (RuntimeException e) {
                TcpListener.closeQuietly(ch);
                throw e;
            }
        }

        @Override
        public void cancel() {
            if (finish != null) {
                finish.cancel();
            }
            if (ch != null && !ch.isConnected()) {
                TcpListener.closeQuietly(ch);
            }
        }
    }

    /**
     * A future that reads what is available (at least one byte, waiting for it) into {@code dst} and
     * completes with the count, or -1 once the peer has closed its side and everything was read. A
     * {@code dst} with no room completes with 0 at once.
     *
     * <p><b>Cancel safety:</b> cancel-safe: bytes leave the socket only in the poll that returns their
     * count, so a read cancelled by a select and issued again loses nothing. Spends one unit of the
     * cooperative budget per poll.
     */
    @Override
    public Future<Integer> read(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return new IoFuture<>(reg, Registration.READ, "read", () -> readNow(dst));
    }

    private Integer readNow(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        ByteBuffer p = peeked;
        if (p != null) {
            int n = Math.min(p.remaining(), dst.remaining());
            dst.put(dst.position(), p, p.position(), n);
            dst.position(dst.position() + n);
            p.position(p.position() + n);
            if (!p.hasRemaining()) {
                peeked = null;
            }
            return n;
        }
        int n = channel.read(dst);
        return n == 0 ? null : n;
    }

    /**
     * Like {@link #read} but leaves the bytes to be read again: the next read or peek returns them
     * first. Completes with the count copied into {@code dst}, or -1 at the end of the stream.
     * Cancel-safe.
     */
    public Future<Integer> peek(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return new IoFuture<>(reg, Registration.READ, "peek", () -> {
            if (!dst.hasRemaining()) {
                return 0;
            }
            if (peeked == null) {
                ByteBuffer fresh = ByteBuffer.allocate(dst.remaining());
                int n = channel.read(fresh);
                if (n <= 0) {
                    return n == 0 ? null : -1;
                }
                peeked = fresh.flip();
            }
            int n = Math.min(peeked.remaining(), dst.remaining());
            dst.put(dst.position(), peeked, peeked.position(), n);
            dst.position(dst.position() + n);
            return n;
        });
    }

    /**
     * A future that writes some of {@code src} (at least one byte, waiting for room in the send buffer)
     * and completes with the count.
     *
     * <p><b>Cancel safety:</b> cancel-safe: bytes are taken from {@code src} only in the poll that
     * returns their count.
     */
    @Override
    public Future<Integer> write(ByteBuffer src) {
        Objects.requireNonNull(src, "src");
        return new IoFuture<>(reg, Registration.WRITE, "write", () -> {
            if (!src.hasRemaining()) {
                return 0;
            }
            int n = channel.write(src);
            return n == 0 ? null : n;
        });
    }

    /** Completes at once: a stream has no buffer of its own (see the buffered writer). Cancel-safe. */
    @Override
    public Future<Void> flush() {
        return Future.ready(null);
    }

    /**
     * A future that closes the write side, as {@link #shutdownOutput()} does, when polled: the
     * {@link AsyncWrite} form of it, which the buffered writer and {@code Io.copyBidirectional} call.
     * Cancel-safe.
     */
    @Override
    public Future<Void> shutdown() {
        return cx -> {
            shutdownOutput();
            return null;
        };
    }

    /**
     * Closes the write side (sends FIN): the peer reads the end of the stream, and this side can still
     * read. Writes after it fail.
     */
    public void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            throw reg.failure("shutdownOutput", e);
        }
    }

    /** Closes the read side: later reads return -1. The peer is not told. */
    public void shutdownInput() {
        try {
            channel.shutdownInput();
        } catch (IOException e) {
            throw reg.failure("shutdownInput", e);
        }
        reg.shutdown(Registration.READ);
    }

    /** The local address of the connection. */
    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw reg.failure("localAddress", e);
        }
    }

    /** The address of the peer. */
    public InetSocketAddress peerAddress() {
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            throw reg.failure("peerAddress", e);
        }
    }

    /** Sets a socket option ({@link StandardSocketOptions}: {@code TCP_NODELAY}, {@code SO_SNDBUF}, ...). */
    public <T> TcpStream setOption(SocketOption<T> option, T value) {
        try {
            channel.setOption(option, value);
        } catch (IOException e) {
            throw reg.failure("setOption " + option.name(), e);
        }
        return this;
    }

    /** Reads a socket option. */
    public <T> T getOption(SocketOption<T> option) {
        try {
            return channel.getOption(option);
        } catch (IOException e) {
            throw reg.failure("getOption " + option.name(), e);
        }
    }

    /** Whether {@code TCP_NODELAY} is on (it is by default). */
    public boolean isNoDelay() {
        return getOption(StandardSocketOptions.TCP_NODELAY);
    }

    /**
     * Splits the stream into a read half and a write half that two tasks can own, one reading while the
     * other writes (Tokio's {@code into_split}). Closing the write half shuts down the write side; the
     * connection closes when both halves are closed. Use the halves, not this stream, from now on.
     */
    public Split split() {
        AtomicInteger open = new AtomicInteger(2);
        return new Split(new ReadHalf(this, open), new WriteHalf(this, open));
    }

    /** Ends one half of a split stream: closes the stream with the last half, else runs {@code otherwise}. */
    private void closeHalf(AtomicInteger open, Runnable otherwise) {
        if (open.decrementAndGet() == 0) {
            close();
        } else {
            otherwise.run();
        }
    }

    /** The two halves of a {@link #split()} stream. */
    public record Split(ReadHalf reader, WriteHalf writer) {
    }

    /** The read half of a split stream: reads, peeks, and closing (which ends this half). */
    public static final class ReadHalf implements AsyncRead, AutoCloseable {
        private final TcpStream stream;
        private final AtomicInteger open;
        private boolean closed;

        private ReadHalf(TcpStream stream, AtomicInteger open) {
            this.stream = stream;
            this.open = open;
        }

        /** See {@link TcpStream#read}. Cancel-safe. */
        @Override
        public Future<Integer> read(ByteBuffer dst) {
            return stream.read(dst);
        }

        /** See {@link TcpStream#peek}. Cancel-safe. */
        public Future<Integer> peek(ByteBuffer dst) {
            return stream.peek(dst);
        }

        @Override
        public String toString() {
            return "the read half of " + stream;
        }

        /** Ends this half; the connection closes once the write half is closed too. Idempotent. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                stream.closeHalf(open, () -> { });
            }
        }
    }

    /** The write half of a split stream: writes, and closing (which shuts down the write side). */
    public static final class WriteHalf implements AsyncWrite, AutoCloseable {
        private final TcpStream stream;
        private final AtomicInteger open;
        private boolean closed;

        private WriteHalf(TcpStream stream, AtomicInteger open) {
            this.stream = stream;
            this.open = open;
        }

        /** See {@link TcpStream#write}. Cancel-safe. */
        @Override
        public Future<Integer> write(ByteBuffer src) {
            return stream.write(src);
        }

        /** Completes at once (a socket has no buffer of its own). */
        @Override
        public Future<Void> flush() {
            return stream.flush();
        }

        /** See {@link TcpStream#shutdown()}: closes the write side when polled. Cancel-safe. */
        @Override
        public Future<Void> shutdown() {
            return stream.shutdown();
        }

        @Override
        public String toString() {
            return "the write half of " + stream;
        }

        /** Shuts down the write side (the peer reads the end of the stream). Idempotent. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                stream.closeHalf(open, () -> {
                    if (stream.channel.isOpen()) {
                        stream.shutdownOutput();
                    }
                });
            }
        }
    }

    /** Closes the connection; operations waiting on it fail with a closed-socket error. Idempotent. */
    @Override
    public void close() {
        try {
            reg.close();
        } catch (IOException e) {
            throw reg.failure("close", e);
        }
    }

    @Override
    public String toString() {
        return "TcpStream[" + channel + "]";
    }
}
