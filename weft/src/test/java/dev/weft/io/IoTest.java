package dev.weft.io;

import static dev.weft.io.BufReaderTest.CX;
import static dev.weft.io.BufReaderTest.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpStream;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** copy and copyBidirectional: in memory, through a TCP echo server, and as a TCP proxy. */
class IoTest {
    static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    static Runtime multi() {
        return Runtime.builder().multiThread().workerThreads(2).build();
    }

    /** Echoes each connection with Io.copy from the stream to itself; the copy ends with the client's FIN. */
    static JoinHandle<Void> echoServer(TcpListener listener) {
        return Weft.spawn(() -> {
            while (true) {
                TcpStream s = listener.accept().await();
                Weft.spawn(() -> {
                    try (s) {
                        Io.copy(s, s).await();
                    }
                });
            }
        });
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void copyMovesEveryByteFlushesOnceAtTheEndAndDoesNotShutDown() {
        byte[] data = random(100_000, 3);
        MemoryWriter sink = new MemoryWriter(5_000);
        long n = now(Io.copy(MemoryReader.of(data, 3_000), sink));
        assertThat(n).isEqualTo(data.length);
        assertThat(sink.bytes()).isEqualTo(data);
        assertThat(sink.calls).filteredOn(c -> !c.startsWith("write")).containsExactly("flush");
        assertThat(sink.calls.getLast()).isEqualTo("flush");
    }

    @Test
    void copyWithAGivenBufferSizeWritesInChunksNoBiggerThanIt() {
        byte[] data = random(100_000, 5);
        MemoryWriter sink = new MemoryWriter(1 << 20);
        long n = now(Io.copy(MemoryReader.of(data, 50_000), sink, 1_000));
        assertThat(n).isEqualTo(data.length);
        assertThat(sink.bytes()).isEqualTo(data);
        List<Integer> writes = sink.calls.stream().filter(c -> c.startsWith("write "))
                .map(c -> Integer.parseInt(c.substring(6))).toList();
        assertThat(writes).allMatch(w -> w <= 1_000).contains(1_000);
        assertThatThrownBy(() -> Io.copy(MemoryReader.of(data, 10), sink, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 0");
    }

    @Test
    void copyKeepsReadingIntoItsBufferWhileAWriteWaitsForRoom() {
        MemoryReader src = new MemoryReader(1_000);
        MemoryWriter sink = new MemoryWriter();
        sink.limit(0);
        Future<Long> copy = Io.copy(src, sink);
        src.feed(new byte[5_000]);
        assertThat(copy.poll(CX)).isSameAs(Future.PENDING);
        assertThat(src.reads).as("read on while the write was pending").isEqualTo(5);
        sink.grant(Long.MAX_VALUE / 2);
        src.close();
        assertThat(copy.poll(CX)).isEqualTo(5_000L);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost byte fails, not hangs
    void tenMegabytesCopiedThroughATcpEchoComeBackByteForByte() {
        int size = 10 << 20;
        byte[] data = random(size, 10);
        try (Runtime rt = multi()) {
            long[] counts = rt.blockOn(Weft.async(() -> {
                TcpListener listener = TcpListener.bind(ANY).await();
                JoinHandle<Void> server = echoServer(listener);
                TcpStream.Split c = TcpStream.connect(listener.localAddress()).await().split();
                JoinHandle<Long> up = Weft.spawn(() -> {
                    long n = Io.copy(MemoryReader.of(data, 64 * 1024), c.writer()).await();
                    c.writer().close(); // FIN: the echo's copy ends
                    return n;
                });
                // The reader runs in this block on this thread: MemoryReader/Writer are single-threaded,
                // and each is used by one task only.
                MemoryWriter back = new MemoryWriter();
                long down = Io.copy(c.reader(), back).await();
                c.reader().close();
                server.abort();
                if (!java.util.Arrays.equals(back.bytes(), data)) {
                    throw new AssertionError("the bytes that came back differ");
                }
                return new long[] {up.await(), down};
            }));
            assertThat(counts).containsExactly(size, size);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost byte fails, not hangs
    void copyBidirectionalProxiesBothWaysAndPassesEachHalfCloseOn() {
        int size = 1 << 20;
        byte[] data = random(size, 11);
        try (Runtime rt = multi()) {
            Object[] result = rt.blockOn(Weft.async(() -> {
                TcpListener echo = TcpListener.bind(ANY).await();
                JoinHandle<Void> echoTask = echoServer(echo);
                TcpListener proxy = TcpListener.bind(ANY).await();
                JoinHandle<Io.Transferred> proxyTask = Weft.spawn(() -> {
                    try (TcpStream client = proxy.accept().await();
                            TcpStream server = TcpStream.connect(echo.localAddress()).await()) {
                        return Io.copyBidirectional(client, server).await();
                    }
                });
                TcpStream.Split c = TcpStream.connect(proxy.localAddress()).await().split();
                JoinHandle<Void> up = Weft.spawn(() -> {
                    c.writer().writeAll(ByteBuffer.wrap(data)).await();
                    c.writer().close(); // the FIN must travel client -> proxy -> echo
                });
                ByteBuffer back = ByteBuffer.allocate(size + 1);
                // -1 arrives only if the echo's FIN travels back echo -> proxy -> client
                while (c.reader().read(back).await() >= 0) {
                    if (!back.hasRemaining()) {
                        throw new AssertionError("more came back than was sent");
                    }
                }
                up.await();
                c.reader().close();
                Io.Transferred t = proxyTask.await();
                echoTask.abort();
                return new Object[] {back.flip(), t};
            }));
            assertThat((ByteBuffer) result[0]).isEqualTo(ByteBuffer.wrap(data));
            assertThat((Io.Transferred) result[1]).isEqualTo(new Io.Transferred(size, size));
        }
    }

    @Test
    void copyBidirectionalShutsTheOtherSideDownWhenASourceEnds() {
        MemoryReader aIn = MemoryReader.of("from a", 2);
        MemoryWriter aOut = new MemoryWriter();
        MemoryReader bIn = new MemoryReader(2);
        MemoryWriter bOut = new MemoryWriter();
        Future<Io.Transferred> copy = Io.copyBidirectional(new Duplex(aIn, aOut), new Duplex(bIn, bOut));
        assertThat(copy.poll(CX)).isSameAs(Future.PENDING);
        assertThat(bOut.shutdown).as("a ended, so b's write side is shut").isTrue();
        assertThat(aOut.shutdown).isFalse();
        bIn.feed("reply from b");
        bIn.close();
        assertThat(copy.poll(CX)).isEqualTo(new Io.Transferred(6, 12));
        assertThat(new String(aOut.bytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("reply from b");
        assertThat(aOut.calls.getLast()).isEqualTo("shutdown");
    }

    @Test
    void aFailingDirectionFailsCopyBidirectionalAndCancelsTheOther() {
        java.util.List<String> log = new java.util.ArrayList<>();
        AsyncRead failing = dst -> cx -> {
            throw new java.io.UncheckedIOException(new java.io.IOException("boom"));
        };
        AsyncRead waiting = dst -> new Future<>() {
            @Override
            public Object poll(dev.weft.Context cx) {
                return PENDING;
            }

            @Override
            public void cancel() {
                log.add("cancelled");
            }
        };
        Future<Io.Transferred> copy = Io.copyBidirectional(new Duplex(waiting, new MemoryWriter()),
                new Duplex(failing, new MemoryWriter()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> copy.poll(CX)).hasMessageContaining("boom");
        assertThat(log).containsExactly("cancelled");
    }

    /** A reader and a writer as one duplex stream. */
    record Duplex(AsyncRead in, AsyncWrite out) implements AsyncRead, AsyncWrite {
        @Override
        public Future<Integer> read(ByteBuffer dst) {
            return in.read(dst);
        }

        @Override
        public Future<Integer> write(ByteBuffer src) {
            return out.write(src);
        }

        @Override
        public Future<Void> flush() {
            return out.flush();
        }

        @Override
        public Future<Void> shutdown() {
            return out.shutdown();
        }
    }
}
