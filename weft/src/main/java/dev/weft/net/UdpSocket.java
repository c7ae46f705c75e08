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
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Objects;

/**
 * A UDP socket: Tokio's {@code UdpSocket}. Unconnected, it sends to and receives from any address
 * ({@link #sendTo}, {@link #recvFrom}); {@link #connect connected}, it talks to one peer
 * ({@link #send}, {@link #recv}) and the OS drops datagrams from others.
 *
 * <pre>{@code
 * UdpSocket sock = UdpSocket.bind(new InetSocketAddress("127.0.0.1", 0)).await();
 * sock.sendTo(ByteBuffer.wrap(ping), server).await();
 * SocketAddress from = sock.recvFrom(buf.clear()).await();
 * }</pre>
 *
 * <p>A datagram larger than the buffer it is received into is truncated, as in {@link DatagramChannel}.
 * Every receive and send is cancel-safe: a datagram is taken or sent only in the poll that completes.
 * Each poll spends one unit of the cooperative budget.
 */
public final class UdpSocket implements AutoCloseable {
    private final DatagramChannel channel;
    private final Registration reg;

    private UdpSocket(DatagramChannel channel, Registration reg) {
        this.channel = channel;
        this.reg = reg;
    }

    /**
     * A future that binds a UDP socket to {@code address} (port 0: any free port) on the runtime that
     * polls it, and completes with it at once.
     */
    public static Future<UdpSocket> bind(SocketAddress address) {
        Objects.requireNonNull(address, "address");
        return new Future<>() {
            @Override
            public Object poll(Context cx) {
                Reactor reactor = Reactor.current();
                DatagramChannel ch = null;
                try {
                    ch = DatagramChannel.open();
                    ch.bind(address);
                    return new UdpSocket(ch, reactor.register(ch, Registration.READ | Registration.WRITE));
                } catch (IOException e) {
                    TcpListener.closeQuietly(ch);
                    throw new UncheckedIOException("could not bind a UDP socket to " + address + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /** Connects to {@code peer}: {@link #send} and {@link #recv} then talk to it alone. Immediate (UDP has no handshake). */
    public void connect(SocketAddress peer) {
        try {
            channel.connect(peer);
        } catch (IOException e) {
            throw reg.failure("connect to " + peer, e);
        }
    }

    /** A future that sends {@code src} as one datagram to {@code target}; completes with the bytes sent. */
    public Future<Integer> sendTo(ByteBuffer src, SocketAddress target) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(target, "target");
        return new IoFuture<>(reg, Registration.WRITE, "sendTo " + target, () -> {
            int n = channel.send(src, target);
            return n == 0 && src.hasRemaining() ? null : n;
        });
    }

    /** A future of the next datagram, written into {@code dst}; completes with the sender's address. */
    public Future<SocketAddress> recvFrom(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return new IoFuture<>(reg, Registration.READ, "recvFrom", () -> channel.receive(dst));
    }

    /** A future that sends {@code src} as one datagram to the connected peer. */
    public Future<Integer> send(ByteBuffer src) {
        Objects.requireNonNull(src, "src");
        return new IoFuture<>(reg, Registration.WRITE, "send", () -> {
            int n = channel.write(src);
            return n == 0 && src.hasRemaining() ? null : n;
        });
    }

    /** A future of the next datagram from the connected peer, written into {@code dst}; completes with its length. */
    public Future<Integer> recv(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return new IoFuture<>(reg, Registration.READ, "recv", () -> {
            int before = dst.position();
            SocketAddress from = channel.receive(dst);
            return from == null ? null : dst.position() - before;
        });
    }

    /** The address this socket is bound to. */
    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw reg.failure("localAddress", e);
        }
    }

    /** Sets a socket option ({@code SO_BROADCAST}, {@code SO_RCVBUF}, ...). */
    public <T> UdpSocket setOption(SocketOption<T> option, T value) {
        try {
            channel.setOption(option, value);
        } catch (IOException e) {
            throw reg.failure("setOption " + option.name(), e);
        }
        return this;
    }

    /** Closes the socket; operations waiting on it fail with a closed-socket error. Idempotent. */
    @Override
    public void close() {
        try {
            reg.close();
        } catch (IOException e) {
            throw reg.failure("close", e);
        }
    }
}
