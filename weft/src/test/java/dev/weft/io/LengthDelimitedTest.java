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
import java.io.EOFException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Length-delimited frames: round trips in memory and over TCP, refusals, cancel safety. */
class LengthDelimitedTest {
    static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    static List<byte[]> randomFrames(Random random, int count, int maxSize) {
        List<byte[]> frames = new ArrayList<>();
        frames.add(new byte[0]);
        frames.add(new byte[maxSize]);
        while (frames.size() < count) {
            byte[] f = new byte[random.nextInt(maxSize + 1)];
            random.nextBytes(f);
            frames.add(f);
        }
        return frames;
    }

    @Test
    void framesOfEveryLengthFieldSizeSurviveARoundTripReadOneByteAtATime() {
        Random random = new Random(42);
        for (int field : new int[] {1, 2, 4, 8}) {
            LengthDelimited format = LengthDelimited.standard().withLengthFieldSize(field);
            List<byte[]> frames = randomFrames(random, 20, Math.min(format.maxFrameLength(), 3000));
            MemoryWriter sink = new MemoryWriter();
            LengthDelimited.Writer out = format.writer(sink);
            for (byte[] f : frames) {
                now(out.writeFrame(ByteBuffer.wrap(f)));
            }
            LengthDelimited.Reader in = format.reader(MemoryReader.of(sink.bytes(), 1));
            ByteBuffer dst = ByteBuffer.allocate(3000);
            for (int i = 0; i < frames.size(); i++) {
                byte[] got;
                if (i % 2 == 0) {
                    got = now(in.readFrame()).array();
                } else {
                    int n = now(in.readFrame(dst.clear()));
                    got = java.util.Arrays.copyOf(dst.array(), n);
                }
                assertThat(got).as("field %d, frame %d", field, i).isEqualTo(frames.get(i));
            }
            assertThat(now(in.readFrame())).isNull();
            assertThat(now(in.readFrame(dst.clear()))).isEqualTo(-1);
        }
    }

    @Test
    void theLengthFieldIsBigEndianAndCountsThePayloadOnly() {
        MemoryWriter sink = new MemoryWriter();
        now(LengthDelimited.standard().withLengthFieldSize(2).writer(sink).writeFrame(ByteBuffer.wrap(new byte[258])));
        assertThat(java.util.Arrays.copyOf(sink.bytes(), 2)).containsExactly(1, 2);
        assertThat(sink.bytes()).hasSize(260);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost byte fails, not hangs
    void randomFramesUpTo64KiBCrossALoopbackConnectionIntact() {
        List<byte[]> frames = randomFrames(new Random(1), 300, 64 * 1024);
        LengthDelimited format = LengthDelimited.standard();
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            int checked = rt.blockOn(Weft.async(() -> {
                TcpListener listener = TcpListener.bind(ANY).await();
                JoinHandle<Void> sender = Weft.spawn(() -> {
                    try (TcpStream s = listener.accept().await()) {
                        BufWriter buffered = new BufWriter(s);
                        LengthDelimited.Writer out = format.writer(buffered);
                        for (byte[] f : frames) {
                            out.writeFrame(ByteBuffer.wrap(f)).await();
                        }
                        out.shutdown().await();
                    }
                });
                try (TcpStream c = TcpStream.connect(listener.localAddress()).await()) {
                    LengthDelimited.Reader in = format.reader(c);
                    int i = 0;
                    for (ByteBuffer f; (f = in.readFrame().await()) != null; i++) {
                        if (!f.equals(ByteBuffer.wrap(frames.get(i)))) {
                            throw new AssertionError("frame " + i + " differs");
                        }
                    }
                    sender.await();
                    return i;
                }
            }));
            assertThat(checked).isEqualTo(frames.size());
        }
    }

    @Test
    void aFrameOverTheMaximumIsRefusedFromItsLengthFieldAlone() {
        MemoryReader src = new MemoryReader(1024);
        src.feed(new byte[] {0x40, 0, 0, 0, 1, 2, 3}); // claims 1 GiB
        LengthDelimited.Reader in = LengthDelimited.standard().reader(src);
        assertThatThrownBy(() -> in.readFrame().poll(CX)).isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(ProtocolException.class)
                .hasMessageContaining("1073741824 bytes is longer than the maximum of 8388608");

        MemoryReader src8 = new MemoryReader(1024);
        src8.feed(new byte[] {(byte) 0xff, 0, 0, 0, 0, 0, 0, 0});
        LengthDelimited.Reader in8 = LengthDelimited.standard().withLengthFieldSize(8).reader(src8);
        assertThatThrownBy(() -> in8.readFrame().poll(CX)).hasCauseInstanceOf(ProtocolException.class)
                .hasMessageContaining("18374686479671623680 bytes");
    }

    @Test
    void theBufferGrowsWithTheBytesThatArriveNotWithTheLengthClaimed() {
        MemoryReader src = new MemoryReader(1 << 20);
        BufReader buffered = new BufReader(src);
        LengthDelimited.Reader in = LengthDelimited.standard().reader(buffered);
        src.feed(new byte[] {0, (byte) 0x80, 0, 0}); // 8 MiB, the maximum
        src.feed(new byte[100]);
        Future<ByteBuffer> frame = in.readFrame();
        assertThat(frame.poll(CX)).isSameAs(Future.PENDING);
        assertThat(buffered.bufferSize()).isEqualTo(BufReader.DEFAULT_CAPACITY);
        src.feed(new byte[20_000]);
        assertThat(frame.poll(CX)).isSameAs(Future.PENDING);
        assertThat(buffered.bufferSize()).isBetween(20_104, 2 * 20_104);
    }

    @Test
    void aFrameTooBigForTheCallersBufferIsRefusedAndStaysForABiggerOne() {
        MemoryWriter sink = new MemoryWriter();
        now(LengthDelimited.standard().writer(sink).writeFrame(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5})));
        LengthDelimited.Reader in = LengthDelimited.standard().reader(MemoryReader.of(sink.bytes(), 2));
        assertThatThrownBy(() -> now(in.readFrame(ByteBuffer.allocate(4))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 bytes");
        assertThat(now(in.readFrame()).array()).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void theInputEndingInsideAFrameOrItsLengthFieldIsAnEofError() {
        LengthDelimited.Reader midFrame = LengthDelimited.standard()
                .reader(MemoryReader.of(new byte[] {0, 0, 0, 9, 1, 2}, 4));
        assertThatThrownBy(() -> now(midFrame.readFrame())).isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(EOFException.class).hasMessageContaining("after 2 of 9 bytes");
        LengthDelimited.Reader midField = LengthDelimited.standard().reader(MemoryReader.of(new byte[] {0, 0}, 4));
        assertThatThrownBy(() -> now(midField.readFrame())).hasCauseInstanceOf(EOFException.class)
                .hasMessageContaining("length field");
    }

    @Test
    void aFrameReadCancelledPartWayAndIssuedAgainLosesNothing() {
        MemoryReader src = new MemoryReader(3);
        LengthDelimited.Reader in = LengthDelimited.standard().reader(src);
        src.feed(new byte[] {0, 0, 0, 6, 10, 11});
        Future<ByteBuffer> first = in.readFrame();
        while (first.poll(CX) != Future.PENDING) {
            throw new AssertionError("a partial frame completed");
        }
        first.cancel();
        src.feed(new byte[] {12, 13, 14, 15, 0, 0, 0, 1, 99});
        assertThat(now(in.readFrame()).array()).containsExactly(10, 11, 12, 13, 14, 15);
        assertThat(now(in.readFrame()).array()).containsExactly(99);
    }

    @Test
    void aSmallFrameGoesOutInOneWriteAndABigOneUncopiedAfterItsLengthField() {
        MemoryWriter sink = new MemoryWriter();
        LengthDelimited.Writer out = LengthDelimited.standard().writer(sink);
        now(out.writeFrame(ByteBuffer.wrap(new byte[100])));
        assertThat(sink.calls).containsExactly("write 104");
        ByteBuffer big = ByteBuffer.wrap(new byte[100_000]);
        now(out.writeFrame(big));
        assertThat(sink.calls).containsExactly("write 104", "write 4", "write 100000");
        assertThat(sink.srcs.getLast()).isSameAs(big);
    }

    @Test
    void theWriterRefusesAFrameOverTheMaximumOrWhatTheFieldHolds() {
        LengthDelimited.Writer out = LengthDelimited.standard().withMaxFrameLength(10).writer(new MemoryWriter());
        assertThatThrownBy(() -> out.writeFrame(ByteBuffer.allocate(11))).isInstanceOf(IllegalArgumentException.class);
        LengthDelimited oneByte = LengthDelimited.standard().withLengthFieldSize(1);
        assertThat(oneByte.maxFrameLength()).isEqualTo(255);
        assertThatThrownBy(() -> oneByte.writer(new MemoryWriter()).writeFrame(ByteBuffer.allocate(256)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LengthDelimited.standard().withLengthFieldSize(3))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
