package dev.weft.net;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.io.Reactor;
import dev.weft.io.IoFuture;
import dev.weft.io.Registration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * A TCP socket that listens for connections: Tokio's {@code TcpListener}.
 *
 * <pre>{@code
 * TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 6379)).await();
 * while (true) {
 *     TcpStream conn = listener.accept().await();
 *     Weft.spawn(() -> serve(conn));
 * }
 * }</pre>
 *
 * <p>A listener belongs to the runtime it was bound in: its connections are registered with that
 * runtime's I/O driver, and closing the runtime closes them. Threads: any task may accept; several may
 * wait at once, and each connection goes to one of them.
 */
public final class TcpListener implements AutoCloseable {
    /** The default backlog of pending connections, as Tokio's (1024). */
    public static final int DEFAULT_BACKLOG = 1024;

    private final ServerSocketChannel channel;
    private final Registration reg;
    private final InetSocketAddress local;

    private TcpListener(ServerSocketChannel channel, Registration reg) throws IOException {
        this.channel = channel;
        this.reg = reg;
        this.local = (InetSocketAddress) channel.getLocalAddress();
    }

    /** {@link #bind(SocketAddress, int)} with {@link #DEFAULT_BACKLOG}. */
    public static Future<TcpListener> bind(SocketAddress address) {
        return bind(address, DEFAULT_BACKLOG);
    }

    /**
     * A future that binds a listening socket to {@code address} (port 0: any free port; see
     * {@link #localAddress()}) with {@code SO_REUSEADDR} on, as Tokio does, and completes with it at once.
     * It registers the socket with the runtime that polls it.
     *
     * @throws UncheckedIOException (from the future) if the address is in use or cannot be bound
     */
    public static Future<TcpListener> bind(SocketAddress address, int backlog) {
        Objects.requireNonNull(address, "address");
        return new Future<>() {
            @Override
            public Object poll(Context cx) {
                Reactor reactor = Reactor.current();
                ServerSocketChannel ch = null;
                try {
                    ch = ServerSocketChannel.open();
                    ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                    ch.bind(address, backlog);
                    return new TcpListener(ch, reactor.register(ch, Registration.READ));
                } catch (IOException e) {
                    closeQuietly(ch);
                    throw new UncheckedIOException("could not bind a TCP listener to " + address + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /**
     * A future of the next connection. Its socket has {@code TCP_NODELAY} on.
     *
     * <p><b>Cancel safety:</b> cancel-safe: a connection is taken from the backlog only in the poll that
     * returns it. Each poll spends one unit of the cooperative budget.
     */
    public Future<TcpStream> accept() {
        return new IoFuture<>(reg, Registration.READ, "accept", () -> {
            SocketChannel s = channel.accept();
            if (s == null) {
                return null;
            }
            try {
                return TcpStream.accepted(s, reg.reactor());
            } catch (RuntimeException e) {
                closeQuietly(s);
                throw e;
            }
        });
    }

    /** The address this listener is bound to (with the port chosen, if it asked for port 0). */
    public InetSocketAddress localAddress() {
        return local;
    }

    /** Stops listening; pending accepts fail with a closed-socket error. Idempotent. */
    @Override
    public void close() {
        try {
            reg.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not close the listener on " + local, e);
        }
    }

    static void closeQuietly(java.nio.channels.Channel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing: the first error is the one to report
            }
        }
    }

    @Override
    public String toString() {
        return "TcpListener[" + local + "]";
    }
}
