package dev.weft.io;

import static dev.weft.io.BufReaderTest.CX;
import static dev.weft.io.BufReaderTest.now;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Future;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** BufWriter over an in-memory writer that counts its writes. */
class BufWriterTest {

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(UTF_8));
    }

    @Test
    void smallWritesAreGatheredAndReachTheInnerWriterInOneWriteOnFlush() {
        MemoryWriter inner = new MemoryWriter();
        BufWriter out = new BufWriter(inner, 1024);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
            String s = "line " + i + "\n";
            expected.writeBytes(s.getBytes(UTF_8));
            now(out.writeAll(ascii(s)));
        }
        assertThat(inner.writes).as("nothing written before the flush").isZero();
        assertThat(out.buffered()).isEqualTo(expected.size());
        now(out.flush());
        assertThat(inner.calls).containsExactly("write " + expected.size(), "flush");
        assertThat(inner.bytes()).isEqualTo(expected.toByteArray());
        assertThat(out.buffered()).isZero();
    }

    @Test
    void aWriteThatDoesNotFitWritesTheBufferedBytesOutFirst() {
        MemoryWriter inner = new MemoryWriter();
        BufWriter out = new BufWriter(inner, 8);
        assertThat(now(out.write(ascii("abcde")))).isEqualTo(5);
        assertThat(now(out.write(ascii("fghij")))).as("after writing abcde out").isEqualTo(5);
        assertThat(inner.calls).containsExactly("write 5");
        now(out.flush());
        assertThat(new String(inner.bytes(), UTF_8)).isEqualTo("abcdefghij");
    }

    @Test
    void aWriteOfABufferFullOrMoreGoesStraightThroughWhenNothingIsBuffered() {
        MemoryWriter inner = new MemoryWriter();
        BufWriter out = new BufWriter(inner, 8);
        ByteBuffer big = ascii("0123456789abcdef");
        assertThat(now(out.write(big))).isEqualTo(16);
        assertThat(inner.srcs).containsExactly(big);
        assertThat(out.buffered()).isZero();

        now(out.write(ascii("xy")));
        ByteBuffer big2 = ascii("0123456789");
        now(out.writeAll(big2));
        assertThat(inner.calls).as("xy written out, then big2 straight through")
                .containsExactly("write 16", "write 2", "write 10");
        assertThat(inner.srcs.get(2)).isSameAs(big2);
    }

    @Test
    void aFlushCancelledPartWayWritesNothingTwiceAndGoesOnWhenIssuedAgain() {
        MemoryWriter inner = new MemoryWriter(3);
        BufWriter out = new BufWriter(inner, 64);
        now(out.writeAll(ascii("the quick brown fox")));
        inner.limit(7);
        Future<Void> flush = out.flush();
        assertThat(flush.poll(CX)).isSameAs(Future.PENDING);
        assertThat(new String(inner.bytes(), UTF_8)).isEqualTo("the qui");
        flush.cancel();
        assertThat(out.buffered()).isEqualTo(12);

        inner.grant(100);
        now(out.flush());
        assertThat(new String(inner.bytes(), UTF_8)).isEqualTo("the quick brown fox");
        assertThat(inner.calls.getLast()).isEqualTo("flush");
    }

    @Test
    void aWriteCancelledWhileWritingTheBufferOutTakesNothingFromItsSource() {
        MemoryWriter inner = new MemoryWriter();
        BufWriter out = new BufWriter(inner, 8);
        now(out.write(ascii("abcdef")));
        inner.limit(2);
        ByteBuffer src = ascii("ghijk");
        Future<Integer> w = out.write(src);
        assertThat(w.poll(CX)).isSameAs(Future.PENDING);
        w.cancel();
        assertThat(src.position()).isZero();
        inner.grant(100);
        now(out.writeAll(src));
        now(out.flush());
        assertThat(new String(inner.bytes(), UTF_8)).isEqualTo("abcdefghijk");
    }

    @Test
    void shutdownWritesTheBufferOutThenShutsTheInnerWriterDown() {
        MemoryWriter inner = new MemoryWriter();
        BufWriter out = new BufWriter(inner);
        now(out.writeAll(ascii("bye")));
        now(out.shutdown());
        assertThat(inner.calls).containsExactly("write 3", "shutdown");
        assertThat(inner.shutdown).isTrue();
    }

    @Test
    void theDefaultShutdownOfAWriterOnlyFlushes() {
        StringBuilder log = new StringBuilder();
        AsyncWrite plain = new AsyncWrite() {
            @Override
            public Future<Integer> write(ByteBuffer src) {
                throw new AssertionError();
            }

            @Override
            public Future<Void> flush() {
                return cx -> {
                    log.append("flush");
                    return null;
                };
            }
        };
        now(new BufWriter(plain).shutdown());
        assertThat(log).hasToString("flush");
    }
}
