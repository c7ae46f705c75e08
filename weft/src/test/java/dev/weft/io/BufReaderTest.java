package dev.weft.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.Weft;
import dev.weft.compose.Select;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpStream;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mpsc;
import java.io.EOFException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** BufReader over an in-memory reader that hands out bytes in chosen chunk sizes. */
class BufReaderTest {
    static final Context CX = new Context(Waker.noop());

    /** Polls a future that must be ready now (the in-memory reader is never pending once closed). */
    @SuppressWarnings("unchecked")
    static <T> T now(Future<T> f) {
        Object r = f.poll(CX);
        assertThat(r).as("ready at once").isNotSameAs(Future.PENDING);
        return (T) r;
    }

    static List<String> lines(BufReader in) {
        List<String> out = new ArrayList<>();
        for (String line; (line = now(in.readLine())) != null; ) {
            out.add(line);
        }
        return out;
    }

    @Test
    void linesSplitAcrossReadsOfEveryChunkSizeComeOutWhole() {
        String text = "alpha\nbeta\r\n\ngamma delta\r\nepsilon\n";
        for (int chunk = 1; chunk <= text.length(); chunk++) {
            for (int capacity : new int[] {1, 3, 8, 1024}) {
                BufReader in = new BufReader(MemoryReader.of(text, chunk), capacity);
                assertThat(lines(in)).as("chunk %d, capacity %d", chunk, capacity)
                        .containsExactly("alpha", "beta", "", "gamma delta", "epsilon");
            }
        }
    }

    @Test
    void aCarriageReturnNotBeforeALineFeedStaysInTheLine() {
        BufReader in = new BufReader(MemoryReader.of("a\rb\n\r\n", 1));
        assertThat(lines(in)).containsExactly("a\rb", "");
    }

    @Test
    void theBytesBeforeTheEndOfInputAreTheLastLineAndThenNullComes() {
        BufReader in = new BufReader(MemoryReader.of("one\ntwo, unfinished", 2));
        assertThat(now(in.readLine())).isEqualTo("one");
        assertThat(now(in.readLine())).isEqualTo("two, unfinished");
        assertThat(now(in.readLine())).isNull();
        assertThat(now(in.readLine())).isNull();
    }

    @Test
    void linesAreDecodedAsUtf8EvenWhenACharacterIsSplitAcrossReads() {
        BufReader in = new BufReader(MemoryReader.of("héllo wörld ✓\n", 1), 2);
        assertThat(now(in.readLine())).isEqualTo("héllo wörld ✓");
    }

    @Test
    void aLineOverTheMaximumFailsWithAProtocolErrorAndOneAtTheMaximumPasses() {
        BufReader in = new BufReader(MemoryReader.of("0123456789\r\n0123456789X\n", 3), 4);
        assertThat(now(in.readLine(10))).isEqualTo("0123456789");
        assertThatThrownBy(() -> now(in.readLine(10))).isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(ProtocolException.class).hasMessageContaining("maximum of 10 bytes");
    }

    @Test
    void anOverlongLineFailsBeforeItsEndArrives() {
        MemoryReader src = new MemoryReader(64);
        src.feed("x".repeat(100));
        BufReader in = new BufReader(src, 16);
        assertThatThrownBy(() -> in.readLine(50).poll(CX)).hasCauseInstanceOf(ProtocolException.class);
        assertThat(in.bufferSize()).as("the buffer grew to the limit, not to the line").isLessThanOrEqualTo(52);
    }

    @Test
    void aLineLongerThanTheBufferGrowsItAndItShrinksBackOnceEmpty() {
        String longLine = "y".repeat(1000);
        BufReader in = new BufReader(MemoryReader.of(longLine + "\nshort\n", 7), 16);
        assertThat(now(in.readLine())).isEqualTo(longLine);
        assertThat(now(in.readLine())).isEqualTo("short");
        assertThat(now(in.readLine())).isNull();
        assertThat(in.bufferSize()).isEqualTo(16);
    }

    @Test
    void smallReadsAreServedFromOneInnerRead() {
        byte[] data = new byte[1000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        MemoryReader src = MemoryReader.of(data, Integer.MAX_VALUE);
        BufReader in = new BufReader(src, 1024);
        ByteBuffer ten = ByteBuffer.allocate(10);
        ByteBuffer all = ByteBuffer.allocate(1000);
        for (int i = 0; i < 100; i++) {
            assertThat(now(in.read(ten.clear()))).isEqualTo(10);
            all.put(ten.flip());
        }
        assertThat(all.array()).isEqualTo(data);
        assertThat(src.reads).isEqualTo(1);
        assertThat(now(in.read(ten.clear()))).isEqualTo(-1);
    }

    @Test
    void aReadIntoABufferAsBigAsTheInternalOneBypassesItWhenNothingIsBuffered() {
        byte[] data = new byte[50_000];
        new java.util.Random(7).nextBytes(data);
        MemoryReader src = MemoryReader.of(data, 20_000);
        BufReader in = new BufReader(src, 8192);
        ByteBuffer small = ByteBuffer.allocate(100);
        ByteBuffer big = ByteBuffer.allocate(8192 * 4);
        ByteBuffer got = ByteBuffer.allocate(data.length);

        assertThat(now(in.read(small))).isEqualTo(100); // fills the buffer: 8,192 bytes
        got.put(small.flip());
        assertThat(now(in.read(big))).as("buffered bytes first").isEqualTo(8092);
        got.put(big.flip());
        assertThat(src.dsts).hasSize(1);
        int n;
        while ((n = now(in.read(big.clear()))) > 0) {
            got.put(big.flip());
        }
        assertThat(n).isEqualTo(-1);
        assertThat(got.array()).isEqualTo(data);
        assertThat(src.dsts.subList(1, src.dsts.size())).as("every later read went into the caller's buffer")
                .allSatisfy(dst -> assertThat(dst).isSameAs(big));
    }

    @Test
    void fillBufShowsTheBufferedBytesAndConsumeTakesThem() {
        BufReader in = new BufReader(MemoryReader.of("abcdef", 4));
        ByteBuffer view = now(in.fillBuf());
        assertThat(view.isReadOnly()).isTrue();
        assertThat(UTF_8.decode(view).toString()).isEqualTo("abcd");
        in.consume(3);
        assertThat(UTF_8.decode(now(in.fillBuf())).toString()).isEqualTo("d");
        in.consume(1);
        assertThat(UTF_8.decode(now(in.fillBuf())).toString()).isEqualTo("ef");
        assertThatThrownBy(() -> in.consume(3)).isInstanceOf(IllegalArgumentException.class);
        in.consume(2);
        assertThat(now(in.fillBuf()).hasRemaining()).as("empty only at the end").isFalse();
    }

    @Test
    void readUntilCopiesUpToAndIncludingTheDelimiter() {
        BufReader in = new BufReader(MemoryReader.of("key=value;k2=v2;tail", 1), 4);
        ByteBuffer dst = ByteBuffer.allocate(64);
        assertThat(now(in.readUntil((byte) ';', dst))).isEqualTo(10);
        assertThat(now(in.readUntil((byte) ';', dst))).isEqualTo(6);
        assertThat(now(in.readUntil((byte) ';', dst))).isEqualTo(4);
        assertThat(now(in.readUntil((byte) ';', dst))).isEqualTo(-1);
        assertThat(new String(dst.array(), 0, dst.position(), UTF_8)).isEqualTo("key=value;k2=v2;tail");
    }

    @Test
    void readUntilFailsWhenTheDelimiterIsNotWithinTheRoomOfDstAndKeepsTheBytes() {
        BufReader in = new BufReader(MemoryReader.of("abcdefgh;", 3), 4);
        assertThatThrownBy(() -> now(in.readUntil((byte) ';', ByteBuffer.allocate(5))))
                .hasCauseInstanceOf(ProtocolException.class);
        ByteBuffer big = ByteBuffer.allocate(9);
        assertThat(now(in.readUntil((byte) ';', big))).isEqualTo(9);
        assertThat(new String(big.array(), UTF_8)).isEqualTo("abcdefgh;");
    }

    @Test
    void readExactFillsTheBufferAcrossReadsAndFailsIfTheInputEndsFirst() {
        BufReader in = new BufReader(MemoryReader.of("0123456789", 3), 4);
        ByteBuffer seven = ByteBuffer.allocate(7);
        now(in.readExact(seven));
        assertThat(new String(seven.array(), UTF_8)).isEqualTo("0123456");
        ByteBuffer five = ByteBuffer.allocate(5);
        assertThatThrownBy(() -> now(in.readExact(five))).isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(EOFException.class).hasMessageContaining("after 3 of 5 bytes");
    }

    @Test
    void aReadLineCancelledPartWayAndIssuedAgainLosesNothing() {
        MemoryReader src = new MemoryReader(2);
        BufReader in = new BufReader(src, 4);
        AtomicInteger wakes = new AtomicInteger();
        Context cx = new Context(wakes::incrementAndGet);

        Future<String> first = in.readLine();
        assertThat(first.poll(cx)).isSameAs(Future.PENDING);
        src.feed("hel");
        assertThat(wakes).hasValue(1);
        assertThat(first.poll(cx)).isSameAs(Future.PENDING);
        first.cancel();
        assertThat(in.buffered()).as("what was read stays buffered").isEqualTo(3);

        src.feed("lo, world\nnext");
        Future<String> again = in.readLine();
        Object r;
        while ((r = again.poll(cx)) == Future.PENDING) {
            // the memory reader hands out two bytes per read; each poll reads until it is pending
            assertThat(in.buffered()).isPositive();
        }
        assertThat(r).isEqualTo("hello, world");
        src.close();
        assertThat(now(in.readLine())).isEqualTo("next");
    }

    @Test
    void aLineReadCancelledWhileTheInnerReadIsPendingCancelsThatRead() {
        List<String> log = new ArrayList<>();
        AsyncRead inner = dst -> new Future<>() {
            @Override
            public Object poll(Context cx) {
                log.add("poll");
                return PENDING;
            }

            @Override
            public void cancel() {
                log.add("cancel");
            }
        };
        Future<String> line = new BufReader(inner).readLine();
        line.poll(CX);
        line.cancel();
        assertThat(log).containsExactly("poll", "cancel");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost byte fails, not hangs
    void lineReadsThatLoseSelectsToATickerOverTcpLoseNoBytes() {
        int lines = 200;
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            int[] result = rt.blockOn(Weft.async(() -> {
                TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0)).await();
                Mpsc<Integer> halfSeen = Mpsc.bounded(1);
                Weft.spawn(() -> {
                    try (TcpStream s = listener.accept().await()) {
                        for (int i = 0; i < lines; i++) {
                            byte[] line = ("line " + i + (i % 2 == 0 ? "\r\n" : "\n")).getBytes(UTF_8);
                            int half = line.length / 2;
                            s.writeAll(ByteBuffer.wrap(line, 0, half)).await();
                            // the rest only once a line read has been cancelled with the first half buffered
                            halfSeen.receiver().recv().await();
                            s.writeAll(ByteBuffer.wrap(line, half, line.length - half)).await();
                        }
                    }
                });
                Mpsc<Integer> ticks = Mpsc.bounded(1);
                Mpsc.Sender<Integer> tx = ticks.sender();
                Weft.spawn(() -> {
                    for (int i = 0; !tx.isReceiverClosed(); i++) {
                        if (!tx.trySend(i)) {
                            Weft.yieldNow().await();
                        }
                    }
                });
                BufReader in = new BufReader(TcpStream.connect(listener.localAddress()).await(), 4);
                int got = 0;
                int cutMidLine = 0;
                int signalled = -1;
                for (;;) {
                    String line = Select.<String>fair()
                            .on(in.readLine(), l -> l == null ? "EOF" : l)
                            .onNonNull(ticks.receiver().recv(), t -> "tick")
                            .await();
                    if (line.equals("tick")) {
                        if (in.buffered() > 0 && signalled < got) {
                            cutMidLine++;
                            signalled = got;
                            halfSeen.sender().send(got).await();
                        }
                    } else if (line.equals("EOF")) {
                        break;
                    } else if (!line.equals("line " + got++)) {
                        throw new AssertionError("line " + (got - 1) + " was " + line);
                    }
                }
                ticks.receiver().close();
                ((TcpStream) in.inner()).close();
                return new int[] {got, cutMidLine};
            }));
            assertThat(result[0]).isEqualTo(lines);
            assertThat(result[1]).as("every line read was cancelled with half a line buffered").isEqualTo(lines);
        }
    }
}
