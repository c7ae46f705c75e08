package dev.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import dev.weft.compose.Join;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
    void manyClientsMovingMegabytesGetEveryByteBackInOrder() {
        int clients = 50;
        int bytes = 1 << 20;
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
}
