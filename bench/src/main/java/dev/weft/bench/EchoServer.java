package dev.weft.bench;

import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.io.Io;
import dev.weft.io.Reactor;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpStream;
import dev.weft.runtime.Runtime;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A TCP echo server on 127.0.0.1 (a free port) running in this JVM on {@code threads} event-loop
 * threads: Weft's, or Netty 4.2's with its NIO or its native epoll transport. Each writes back what it
 * reads, the way the frameworks' own echo examples do. {@link #close()} stops it and its threads.
 */
sealed interface EchoServer extends AutoCloseable {
    /** The names {@link #start} accepts, in the order a round runs them. */
    List<String> KINDS = List.of("weft", "netty-nio", "netty-epoll");

    /** Where the server listens. */
    InetSocketAddress address();

    /**
     * Weft's I/O driver counts so far ({@link Reactor#counts()}: selects, events), read racily from
     * another thread; null for Netty.
     */
    default long[] driverCounts() {
        return null;
    }

    @Override
    void close();

    /**
     * Starts the server named {@code kind} (one of {@link #KINDS}) with {@code threads} threads. Weft's
     * reads into a buffer of {@code weftBuffer} bytes per connection, direct or on the heap (a heap
     * buffer costs the JDK a copy through a temporary direct one on every read and write); Netty's
     * buffers are its own (pooled, direct, sized by its adaptive allocator). With {@code weftCopy},
     * Weft's connection task is {@code Io.copy(conn, conn, weftBuffer)} instead, which keeps reading
     * while a write waits for room.
     */
    static EchoServer start(String kind, int threads, int weftBuffer, boolean weftDirect, boolean weftCopy) {
        return switch (kind) {
            case "weft" -> new WeftEcho(threads, weftBuffer, weftDirect, weftCopy);
            case "netty-nio" -> new NettyEcho(NioIoHandler.newFactory(), NioServerSocketChannel.class, threads);
            case "netty-epoll" -> {
                Epoll.ensureAvailability(); // names the missing native library instead of failing later
                yield new NettyEcho(EpollIoHandler.newFactory(), EpollServerSocketChannel.class, threads);
            }
            default -> throw new IllegalArgumentException("unknown server '" + kind + "', expected one of " + KINDS);
        };
    }

    /**
     * Weft: a multi-thread runtime of {@code threads} workers, an accept loop task, and a task per
     * connection that reads into its buffer (64 KB by default: the most Netty's adaptive allocator
     * reads at once) and writes it all back (Tokio's echo example).
     */
    final class WeftEcho implements EchoServer {
        private final Runtime rt;
        private final InetSocketAddress address;
        private final Reactor reactor;

        WeftEcho(int threads, int bufferSize, boolean direct, boolean copy) {
            rt = Runtime.builder().multiThread().workerThreads(threads).name("echo-weft").build();
            TcpListener listener = rt.blockOn(TcpListener.bind(new InetSocketAddress("127.0.0.1", 0)));
            address = listener.localAddress();
            reactor = rt.blockOn((Future<Reactor>) cx -> Reactor.current());
            rt.spawn(Weft.async(() -> {
                while (true) {
                    TcpStream conn = listener.accept().await();
                    if (copy) {
                        Weft.spawn(() -> {
                            try (conn) {
                                Io.copy(conn, conn, bufferSize).await();
                            } catch (java.io.UncheckedIOException e) {
                                // reset by the load generator
                            }
                        });
                    } else {
                        Weft.spawn(() -> echo(conn, direct ? ByteBuffer.allocateDirect(bufferSize)
                                : ByteBuffer.allocate(bufferSize)));
                    }
                }
            }));
        }

        private static void echo(TcpStream conn, ByteBuffer buf) {
            try (conn) {
                while (conn.read(buf.clear()).await() >= 0) {
                    conn.writeAll(buf.flip()).await();
                }
            } catch (java.io.UncheckedIOException e) {
                // the load generator closed its end mid-write (a reset): the connection is over
            }
        }

        @Override
        public InetSocketAddress address() {
            return address;
        }

        @Override
        public long[] driverCounts() {
            return reactor.counts();
        }

        /** Cancels the tasks and closes the runtime, which closes the sockets still open. */
        @Override
        public void close() {
            rt.close();
        }
    }

    /**
     * Netty: one {@link MultiThreadIoEventLoopGroup} of {@code threads} loops that both accepts and
     * serves (so the thread count matches Weft's), the default allocator, and the usual echo handler:
     * write each buffer read, flush when the read burst ends.
     */
    final class NettyEcho implements EchoServer {
        private final EventLoopGroup group;
        private final Channel server;

        NettyEcho(IoHandlerFactory io, Class<? extends ServerChannel> channel, int threads) {
            group = new MultiThreadIoEventLoopGroup(threads, io);
            try {
                server = new ServerBootstrap()
                        .group(group)
                        .channel(channel)
                        .childOption(ChannelOption.TCP_NODELAY, true) // as Weft's sockets
                        .childHandler(EchoHandler.INSTANCE)
                        .bind(new InetSocketAddress("127.0.0.1", 0))
                        .sync()
                        .channel();
            } catch (InterruptedException e) {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while binding", e);
            } catch (RuntimeException e) {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                throw e;
            }
        }

        @Override
        public InetSocketAddress address() {
            return (InetSocketAddress) server.localAddress();
        }

        @Override
        public void close() {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Writes back what it reads; flushes once per read burst. */
    @ChannelHandler.Sharable
    final class EchoHandler extends ChannelInboundHandlerAdapter {
        static final EchoHandler INSTANCE = new EchoHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // the load generator closing its end mid-write: nothing to report
        }
    }
}
