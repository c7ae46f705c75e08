package dev.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.compose.Join;
import dev.weft.compose.Select;
import dev.weft.io.Reactor;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mpsc;
import dev.weft.sync.Notify;
import dev.weft.sync.Oneshot;
import dev.weft.time.ElapsedException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** TCP on loopback: echo, half-close, reset, errors. */
class TcpTest {
    static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    /** Echoes everything it reads until the peer closes its side, then closes. */
    static void echo(TcpStream s) {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        try (s) {
            while (s.read(buf.clear()).await() >= 0) {
                s.writeAll(buf.flip()).await();
            }
        }
    }

    static JoinHandle<Void> echoServer(TcpListener listener) {
        return Weft.spawn(() -> {
            while (true) {
                TcpStream s = listener.accept().await();
                Weft.spawn(() -> echo(s));
            }
        });
    }

    static Runtime multi() {
        return Runtime.builder().multiThread().workerThreads(2).build();
    }

    @Test
    void aClientGetsBackWhatItSentThroughAnEchoServer() {
        for (Runtime rt : List.of(multi(), Runtime.builder().currentThread().build())) {
            try (rt) {
                String back = rt.blockOn(Weft.async(() -> {
                    TcpListener listener = TcpListener.bind(ANY).await();
                    JoinHandle<Void> server = echoServer(listener);
                    try (TcpStream c = TcpStream.connect(listener.localAddress()).await()) {
                        assertThat(c.isNoDelay()).isTrue();
                        c.writeAll(ByteBuffer.wrap("hello, weft".getBytes(StandardCharsets.UTF_8))).await();
                        ByteBuffer in = ByteBuffer.allocate(11);
                        c.readExact(in).await();
                        server.abort();
                        return new String(in.array(), StandardCharsets.UTF_8);
                    }
                }));
                assertThat(back).isEqualTo("hello, weft");
            }
        }
    }

    @Test
    void aThousandClientsMovingAMegabyteEachGetEveryByteBackInOrder() {
        echoMany(1_000, 1 << 20);
    }

    /** The full size: 10 GB through loopback, 3 minutes on a busy 2-core machine. */
    @Test
    @Tag("stress")
    void aThousandClientsMovingTenMegabytesEachGetEveryByteBackInOrder() {
        echoMany(1_000, 10 << 20);
    }

    static void echoMany(int clients, int bytes) {
        try (Runtime rt = multi()) {
            long checked = rt.blockOn(Weft.async(() -> {
                TcpListener listener = TcpListener.bind(ANY).await();
                JoinHandle<Void> server = echoServer(listener);
                List<JoinHandle<Long>> all = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int seed = c;
                    all.add(Weft.spawn(() -> client(listener.localAddress(), seed, bytes)));
                }
                long sum = 0;
                for (long n : Join.all(all).await()) {
                    sum += n;
                }
                server.abort();
                return sum;
            }));
            assertThat(checked).isEqualTo((long) clients * bytes);
        }
    }

    /** Sends {@code bytes} of a pattern from one task while another reads the echo and checks each byte. */
    static long client(InetSocketAddress server, int seed, int bytes) {
        TcpStream.Split s = TcpStream.connect(server).await().split();
        JoinHandle<Void> writer = Weft.spawn(() -> {
            ByteBuffer out = ByteBuffer.allocate(8 * 1024);
            int sent = 0;
            while (sent < bytes) {
                out.clear();
                while (out.hasRemaining() && sent < bytes) {
                    out.put(pattern(seed, sent++));
                }
                s.writer().writeAll(out.flip()).await();
            }
            s.writer().close();
        });
        ByteBuffer in = ByteBuffer.allocate(8 * 1024);
        long got = 0;
        int n;
        while ((n = s.reader().read(in.clear()).await()) >= 0) {
            in.flip();
            for (int i = 0; i < n; i++) {
                byte b = in.get();
                if (b != pattern(seed, (int) got)) {
                    throw new AssertionError("client " + seed + ": byte " + got + " is " + b);
                }
                got++;
            }
        }
        writer.await();
        s.reader().close();
        return got;
    }

    static byte pattern(int seed, int i) {
        return (byte) (i * 31 + seed * 7 + (i >>> 8));
    }

    @Test
    void aHalfClosedPeerIsReadAsTheEndOfTheStreamAndCanStillReceive() {
        try (Runtime rt = multi()) {
            String reply = rt.blockOn(Weft.async(() -> {
                TcpListener listener = TcpListener.bind(ANY).await();
                JoinHandle<Void> server = Weft.spawn(() -> {
                    TcpStream s = listener.accept().await();
                    ByteBuffer buf = ByteBuffer.allocate(100);
                    int total = 0;
                    int n;
                    while ((n = s.read(buf).await()) >= 0) {
                        total += n;
                    }
                    // the client's side is closed; ours is open: answer with what we counted
                    s.writeAll(ByteBuffer.wrap(("got " + total).getBytes(StandardCharsets.UTF_8))).await();
                    s.close();
                });
                TcpStream c = TcpStream.connect(listener.localAddress()).await();
                c.writeAll(ByteBuffer.wrap(new byte[42])).await();
                c.shutdownOutput();
                ByteBuffer in = ByteBuffer.allocate(100);
                while (c.read(in).await() >= 0) {
                    // read to the end
                }
                server.await();
                c.close();
                return new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
            }));
            assertThat(reply).isEqualTo("got 42");
        }
    }

    @Test
    void aConnectionRefusedFailsWithTheAddressInTheMessage() {
        try (Runtime rt = multi()) {
            InetSocketAddress free = rt.blockOn(Weft.async(() -> {
                TcpListener l = TcpListener.bind(ANY).await();
                InetSocketAddress a = l.localAddress();
                l.close();
                return a;
            }));
            assertThatThrownBy(() -> rt.blockOn(TcpStream.connect(free)))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(String.valueOf(free.getPort()));
        }
    }

    @Test
    void aPeerThatResetsMidStreamIsReportedByTheNextRead() {
        try (Runtime rt = multi()) {
            Throwable failure = rt.blockOn(Weft.async(() -> {
                TcpListener listener = TcpListener.bind(ANY).await();
                Oneshot<Void> dataSent = Oneshot.channel();
                Weft.spawn(() -> {
                    TcpStream s = listener.accept().await();
                    s.writeAll(ByteBuffer.wrap(new byte[10])).await();
                    dataSent.receiver().await();
                    s.setOption(StandardSocketOptions.SO_LINGER, 0); // close with RST, not FIN
                    s.close();
                });
                TcpStream c = TcpStream.connect(listener.localAddress()).await();
                c.readExact(ByteBuffer.allocate(10)).await();
                dataSent.sender().send(null);
                try {
                    ByteBuffer buf = ByteBuffer.allocate(10);
                    while (c.read(buf.clear()).await() >= 0) {
                        // nothing more is sent
                    }
                    return null;
                } catch (UncheckedIOException e) {
                    return e;
                } finally {
                    c.close();
                }
            }));
            assertThat(failure).isInstanceOf(UncheckedIOException.class).hasMessageContaining("read on")
                    .hasMessageContaining("reset");
        }
    }

    @Test
    void aReadCancelledBySelectAndIssuedAgainLosesNothing() {
        int bytes = 2_000;
        try (Runtime rt = multi()) {
            int[] result = rt.blockOn(Weft.async(() -> {
                TcpListener listener = TcpListener.bind(ANY).await();
                Mpsc<Integer> ticks = Mpsc.bounded(1);
                Weft.spawn(() -> {
                    TcpStream s = listener.accept().await();
                    for (int i = 0; i < bytes; i++) {
                        s.writeAll(ByteBuffer.wrap(new byte[] {(byte) i})).await();
                        Weft.yieldNow().await();
                    }
                    s.close();
                });
                Mpsc.Sender<Integer> tx = ticks.sender();
                Weft.spawn(() -> {
                    for (int i = 0; !tx.isReceiverClosed(); i++) {
                        if (!tx.trySend(i)) {
                            Weft.yieldNow().await();
                        }
                    }
                });
                TcpStream c = TcpStream.connect(listener.localAddress()).await();
                ByteBuffer one = ByteBuffer.allocate(1);
                int got = 0;
                int tickWins = 0;
                boolean open = true;
                while (open) {
                    int r = Select.<Integer>fair()
                            .on(c.read(one.clear()), n -> n)
                            .onNonNull(ticks.receiver().recv(), t -> -2)
                            .await();
                    if (r == -2) {
                        tickWins++;
                    } else if (r < 0) {
                        open = false;
                    } else {
                        if (one.get(0) != (byte) got) {
                            throw new AssertionError("byte " + got + " was " + one.get(0));
                        }
                        got++;
                    }
                }
                ticks.receiver().close();
                c.close();
                return new int[] {got, tickWins};
            }));
            assertThat(result[0]).isEqualTo(bytes);
            assertThat(result[1]).isPositive(); // the reads really were cancelled, many times
        }
    }

    @Test
    void closingARuntimeClosesTheSocketsItsTasksLeftOpen() throws Exception {
        Runtime rt = multi();
        CountDownLatch accepted = new CountDownLatch(1);
        InetSocketAddress address = rt.blockOn(Weft.async(() -> {
            TcpListener listener = TcpListener.bind(ANY).await();
            Weft.spawn(() -> {
                TcpStream s = listener.accept().await();
                accepted.countDown();
                Future.<Void>never().await(); // holds the connection open until the runtime goes
                s.close();
            });
            return listener.localAddress();
        }));
        try (Socket plain = new Socket(address.getAddress(), address.getPort())) {
            plain.setSoTimeout(5_000);
            // Accepted, not just queued: closing a listener resets the connections still in its backlog.
            assertThat(accepted.await(5, TimeUnit.SECONDS)).isTrue();
            rt.close();
            assertThat(plain.getInputStream().read()).isEqualTo(-1); // EOF: the runtime closed its end
        }
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(address); // the listener was closed too
        }
    }

    @Test
    void aListenerAcceptsEveryConnectionOfAStorm() {
        int n = 1_000;
        try (Runtime rt = multi()) {
            int accepted = rt.blockOn(Weft.async(() -> {
                TcpListener listener = TcpListener.bind(ANY, 2_048).await();
                JoinHandle<Integer> acceptor = Weft.spawn(() -> {
                    List<TcpStream> conns = new ArrayList<>();
                    while (conns.size() < n) {
                        conns.add(listener.accept().await());
                    }
                    conns.forEach(TcpStream::close);
                    return conns.size();
                });
                List<Future<TcpStream>> connects = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    connects.add(Weft.spawn(TcpStream.connect(listener.localAddress())));
                }
                Join.all(connects).await().forEach(TcpStream::close);
                return acceptor.await();
            }));
            assertThat(accepted).isEqualTo(n);
        }
    }

    @Test
    void aReadTimeoutFailsAndTheStreamStillWorksAfterwards() {
        try (Runtime rt = multi()) {
            String later = rt.blockOn(Weft.async(() -> {
                TcpListener listener = TcpListener.bind(ANY).await();
                Oneshot<Void> timedOut = Oneshot.channel();
                Weft.spawn(() -> {
                    TcpStream s = listener.accept().await();
                    timedOut.receiver().await();
                    s.writeAll(ByteBuffer.wrap("late".getBytes(StandardCharsets.UTF_8))).await();
                    s.close();
                });
                TcpStream c = TcpStream.connect(listener.localAddress()).await();
                ByteBuffer buf = ByteBuffer.allocate(4);
                assertThatThrownBy(() -> Weft.timeout(Duration.ofMillis(50), c.read(buf)).await())
                        .isInstanceOf(ElapsedException.class);
                timedOut.sender().send(null);
                c.readExact(buf).await();
                c.close();
                return new String(buf.array(), StandardCharsets.UTF_8);
            }));
            assertThat(later).isEqualTo("late");
        }
    }

    @Test
    void aSlowReaderHoldsUpAFastWriterWithoutSpinningTheSelector() {
        int stallAt = 1 << 20;
        int total = 16 << 20;
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            long[] r = rt.blockOn(Weft.async(() -> {
                TcpListener listener = TcpListener.bind(ANY).await();
                Notify readMore = new Notify();
                Oneshot<Void> stalled = Oneshot.channel();
                JoinHandle<Long> reader = Weft.spawn(() -> {
                    TcpStream s = listener.accept().await();
                    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                    long got = 0;
                    int n;
                    boolean waited = false;
                    while ((n = s.read(buf.clear()).await()) >= 0) {
                        got += n;
                        if (got >= stallAt && !waited) {
                            waited = true;
                            stalled.sender().send(null);
                            readMore.notified().await(); // stalls with data still queued for it
                        }
                    }
                    s.close();
                    return got;
                });
                TcpStream c = TcpStream.connect(listener.localAddress()).await();
                JoinHandle<Void> writer = Weft.spawn(c.writeAll(ByteBuffer.allocate(total)));
                stalled.receiver().await();
                // The writer fills the socket buffers and then waits for room that does not come.
                Reactor io = Reactor.current();
                long before = io.counts()[0];
                Weft.sleep(Duration.ofMillis(300)).await(); // a window to count selects in
                long selects = io.counts()[0] - before;
                boolean writerWaited = !writer.isFinished();
                readMore.notifyOne();
                writer.await();
                c.close();
                return new long[] {reader.await(), selects, writerWaited ? 1 : 0};
            }));
            assertThat(r[0]).isEqualTo(total);   // every byte arrived once the reader went on
            assertThat(r[2]).isEqualTo(1);       // the writer was held up: 16 MB do not fit in the buffers
            assertThat(r[1]).isLessThan(50);     // a spinning selector selects thousands of times in 300 ms
        }
    }

    @Test
    void readExactOnAStreamThePeerEndsEarlyNamesTheStreamAndHowMuchArrived() {
        try (Runtime rt = multi()) {
            assertThatThrownBy(() -> rt.blockOn(Weft.async(() -> {
                TcpListener listener = TcpListener.bind(ANY).await();
                Weft.spawn(() -> {
                    TcpStream s = listener.accept().await();
                    s.writeAll(ByteBuffer.wrap(new byte[3])).await();
                    s.close();
                });
                TcpStream.Split c = TcpStream.connect(listener.localAddress()).await().split();
                c.reader().readExact(ByteBuffer.allocate(10)).await();
                return null;
            }))).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("readExact on the read half of TcpStream[")
                    .hasMessageContaining("after 3 of 10 bytes")
                    .hasCauseInstanceOf(java.io.EOFException.class);
        }
    }
}
