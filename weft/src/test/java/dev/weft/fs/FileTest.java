package dev.weft.fs;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link File}: reads and writes through the pool, seeking, syncing, cancellation, errors. */
class FileTest {
    /** For polling a future by hand: a waker that nobody needs. */
    static final Context NO_WAKE = new Context(() -> { });

    @TempDir
    Path dir;

    static byte pattern(long i) {
        return (byte) (i * 31 + (i >>> 12));
    }

    static String ascii(ByteBuffer b) {
        return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
    }

    static void writeAll(File f, ByteBuffer src) {
        while (src.hasRemaining()) {
            f.write(src).await();
        }
    }

    @Test
    void tenMegabytesWrittenAndReadBackThroughAFourKilobyteBufferArriveByteForByteOnBothRuntimes() {
        int size = 10 << 20;
        for (Runtime rt : FsTest.bothFlavours()) {
            try (rt) {
                Path p = dir.resolve("big-" + System.identityHashCode(rt));
                long checked = rt.blockOn(Weft.async(() -> {
                    try (File f = File.create(p).await()) {
                        ByteBuffer out = ByteBuffer.allocate(4096);
                        for (long written = 0; written < size; ) {
                            out.clear();
                            while (out.hasRemaining()) {
                                out.put(pattern(written++));
                            }
                            writeAll(f, out.flip());
                        }
                        f.flush().await();
                        assertThat(f.size().await()).isEqualTo(size);
                    }
                    long read = 0;
                    try (File f = File.open(p).await()) {
                        ByteBuffer in = ByteBuffer.allocate(4096);
                        int n;
                        while ((n = f.read(in.clear()).await()) >= 0) {
                            for (int i = 0; i < n; i++) {
                                if (in.get(i) != pattern(read)) {
                                    throw new AssertionError("byte " + read + " is " + in.get(i));
                                }
                                read++;
                            }
                        }
                    }
                    return read;
                }));
                assertThat(checked).isEqualTo(size);
            }
        }
    }

    @Test
    void aBufferLargerThanTheFilesBufferMovesAtMostMaxBufPerOperation() {
        int size = 5 << 20;
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = pattern(i);
        }
        Path p = dir.resolve("huge");
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            rt.blockOn(Weft.async(() -> {
                try (File f = File.create(p).await()) {
                    ByteBuffer src = ByteBuffer.wrap(data);
                    assertThat(f.write(src).await()).isEqualTo(File.MAX_BUF);
                    writeAll(f, src);
                    f.flush().await();
                }
                try (File f = File.open(p).await()) {
                    ByteBuffer dst = ByteBuffer.allocate(size + 1);
                    assertThat(f.read(dst).await()).isEqualTo(File.MAX_BUF);
                    while (f.read(dst).await() > 0) {
                        // until the end of the file
                    }
                    assertThat(dst.position()).isEqualTo(size);
                    assertThat(Arrays.equals(data, 0, size, dst.array(), 0, size)).isTrue();
                }
            }));
        }
    }

    @Test
    void seekMovesWhereTheNextReadAndWriteStart() throws IOException {
        Path p = dir.resolve("digits");
        Files.writeString(p, "0123456789");
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            rt.blockOn(Weft.async(() -> {
                try (File f = File.open(p, READ, WRITE).await()) {
                    assertThat(f.seek(5).await()).isEqualTo(5L);
                    ByteBuffer b = ByteBuffer.allocate(10);
                    assertThat(f.read(b).await()).isEqualTo(5);
                    assertThat(ascii(b)).isEqualTo("56789");
                    assertThat(f.read(b.clear()).await()).isEqualTo(-1);
                    assertThat(f.position().await()).isEqualTo(10L);
                    f.seek(2).await();
                    assertThat(f.read(b.clear().limit(3)).await()).isEqualTo(3);
                    assertThat(ascii(b)).isEqualTo("234");
                    f.seek(12).await();
                    writeAll(f, ByteBuffer.wrap(new byte[] {'Z'}));
                    assertThat(f.size().await()).isEqualTo(13L);
                }
            }));
        }
        byte[] all = assertThatFile(p);
        assertThat(Arrays.copyOfRange(all, 10, 12)).containsExactly(0, 0);
        assertThat(all[12]).isEqualTo((byte) 'Z');
    }

    private static byte[] assertThatFile(Path p) throws IOException {
        byte[] all = Files.readAllBytes(p);
        assertThat(new String(all, 0, 10, StandardCharsets.US_ASCII)).isEqualTo("0123456789");
        return all;
    }

    @Test
    void syncFlushesAndSetLengthTruncatesAndExtendsWithZeros() throws IOException {
        Path p = dir.resolve("len");
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            rt.blockOn(Weft.async(() -> {
                try (File f = File.create(p).await()) {
                    writeAll(f, ByteBuffer.wrap("abcdefgh".getBytes(StandardCharsets.US_ASCII)));
                    f.sync().await();
                    assertThat(Files.readString(p)).isEqualTo("abcdefgh"); // synced: seen by a plain read
                    f.setLength(3).await();
                    assertThat(f.size().await()).isEqualTo(3L);
                    assertThat(f.position().await()).isEqualTo(3L); // it was past the new end
                    f.setLength(6).await();
                    f.syncData().await();
                    assertThat(f.position().await()).isEqualTo(3L);
                }
            }));
        }
        assertThat(Files.readAllBytes(p)).containsExactly('a', 'b', 'c', 0, 0, 0);
    }

    @Test
    void appendWritesGoToTheEnd() throws IOException {
        Path p = dir.resolve("log");
        Files.writeString(p, "one\n");
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            rt.blockOn(Weft.async(() -> {
                try (File f = File.open(p, APPEND).await()) {
                    writeAll(f, ByteBuffer.wrap("two\n".getBytes(StandardCharsets.US_ASCII)));
                    f.flush().await();
                }
            }));
        }
        assertThat(Files.readString(p)).isEqualTo("one\ntwo\n");
    }

    @Test
    void aCancelledReadLeavesTheCallersBufferAloneAndItsBytesGoToTheNextRead() throws IOException {
        Path p = dir.resolve("digits");
        Files.writeString(p, "0123456789");
        for (Runtime rt : FsTest.bothFlavours()) {
            try (rt) {
                rt.blockOn(Weft.async(() -> {
                    try (File f = File.open(p).await()) {
                        ByteBuffer first = filled(6);
                        Future<Integer> read = f.read(first);
                        read.poll(NO_WAKE); // the pool is reading now, or has read
                        read.cancel();
                        assertThat(f.position().await()).isEqualTo(0L); // waits for the read; 6 bytes kept
                        ByteBuffer second = ByteBuffer.allocate(4);
                        assertThat(f.read(second).await()).isEqualTo(4);
                        assertThat(ascii(second)).isEqualTo("0123");
                        ByteBuffer third = ByteBuffer.allocate(10);
                        assertThat(f.read(third).await()).isEqualTo(2); // the rest of what the cancelled read took
                        assertThat(f.read(third).await()).isEqualTo(4);
                        assertThat(ascii(third)).isEqualTo("456789");
                        assertUntouched(first);
                    }
                }));
            }
        }
    }

    @Test
    void aWriteAfterACancelledReadLandsWhereTheCallerSawThePosition() throws IOException {
        Path p = dir.resolve("digits");
        Files.writeString(p, "0123456789");
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            rt.blockOn(Weft.async(() -> {
                try (File f = File.open(p, READ, WRITE).await()) {
                    ByteBuffer two = ByteBuffer.allocate(2);
                    f.read(two).await(); // position 2
                    Future<Integer> read = f.read(filled(4));
                    read.poll(NO_WAKE);
                    read.cancel();
                    writeAll(f, ByteBuffer.wrap("AB".getBytes(StandardCharsets.US_ASCII)));
                    f.flush().await();
                    assertThat(f.position().await()).isEqualTo(4L);
                }
            }));
        }
        assertThat(Files.readString(p)).isEqualTo("01AB456789");
    }

    @Test
    void aReadCancelledWhileThePoolWaitsForDataNeverWritesIntoTheCallersBuffer() throws Exception {
        Path pipe = fifo();
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            rt.blockOn(Weft.async(() -> {
                try (File f = File.open(pipe, READ, WRITE).await()) { // read-write: opening does not wait for a writer
                    ByteBuffer first = filled(16);
                    Future<Integer> read = f.read(first);
                    assertThat(read.poll(NO_WAKE)).isSameAs(Future.PENDING); // an empty pipe: the pool thread waits
                    read.cancel();
                    feed(pipe, "hello");
                    ByteBuffer second = ByteBuffer.allocate(3);
                    assertThat(bounded(f.read(second))).isEqualTo(3); // bounded: an empty pipe would wait forever
                    assertThat(ascii(second)).isEqualTo("hel");
                    assertThat(bounded(f.read(second.clear()))).isEqualTo(2);
                    assertThat(ascii(second)).isEqualTo("lo");
                    assertUntouched(first);
                }
            }));
        }
    }

    @Test
    void anOperationPolledWhileAnotherWaitsFailsWithIllegalState() throws Exception {
        Path pipe = fifo();
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            rt.blockOn(Weft.async(() -> {
                try (File f = File.open(pipe, READ, WRITE).await()) {
                    Future<Integer> read = f.read(ByteBuffer.allocate(8));
                    assertThat(read.poll(NO_WAKE)).isSameAs(Future.PENDING);
                    assertThatThrownBy(() -> f.read(ByteBuffer.allocate(8)).poll(NO_WAKE))
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("read on " + pipe + " while a read on it is still in progress");
                    assertThatThrownBy(() -> f.size().await()).isInstanceOf(IllegalStateException.class);
                    feed(pipe, "x");
                    assertThat(bounded(read)).isEqualTo(1); // the first read is unharmed
                }
            }));
        }
    }

    @Test
    void aFailedWriteIsReportedByTheNextOperation() {
        Path full = Path.of("/dev/full"); // every write fails: no space left on the device
        assumeTrue(Files.isWritable(full));
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            rt.blockOn(Weft.async(() -> {
                try (File f = File.open(full, WRITE).await()) {
                    assertThat(f.write(ByteBuffer.allocate(100)).await()).isEqualTo(100); // completes early
                    assertThatThrownBy(() -> f.flush().await())
                            .isInstanceOf(UncheckedIOException.class)
                            .hasMessageStartingWith("write " + full + " failed")
                            .hasCauseInstanceOf(IOException.class);
                    f.flush().await(); // reported once
                }
            }));
        }
    }

    @Test
    void openingAMissingFileFailsWithNoSuchFileNamingThePath() {
        Path missing = dir.resolve("missing");
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            assertThatThrownBy(() -> rt.blockOn(File.open(missing)))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(NoSuchFileException.class)
                    .hasMessageContaining("open " + missing);
        }
    }

    @Test
    void openingIsLazy() {
        Path p = dir.resolve("never");
        File.open(p, CREATE, WRITE).cancel();
        File.create(p);
        assertThat(Files.exists(p)).isFalse();
    }

    @Test
    void writingToAFileOpenedForReadingFailsAtOnce() throws IOException {
        Path p = dir.resolve("ro");
        Files.writeString(p, "ro");
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            rt.blockOn(Weft.async(() -> {
                try (File f = File.open(p).await()) {
                    ByteBuffer src = ByteBuffer.wrap(new byte[] {1});
                    assertThatThrownBy(() -> f.write(src).await())
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("opened for reading only");
                    assertThat(src.position()).isZero();
                }
            }));
        }
    }

    @Test
    void operationsOnAClosedFileFailNamingThePath() throws IOException {
        Path p = dir.resolve("closed");
        Files.writeString(p, "x");
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            File f = rt.blockOn(File.open(p));
            f.close();
            f.close();
            assertThatThrownBy(() -> rt.blockOn(f.read(ByteBuffer.allocate(1))))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(ClosedChannelException.class)
                    .hasMessageContaining("read " + p);
        }
    }

    @Test
    void closingWithAWriteInFlightLetsTheWriteLand() throws IOException {
        Path p = dir.resolve("late");
        byte[] data = new byte[1 << 20];
        Arrays.fill(data, (byte) 7);
        // One pool thread: its queue runs the write before the size call below.
        try (Runtime rt = Runtime.builder().currentThread().maxBlockingThreads(1).build()) {
            long size = rt.blockOn(Weft.async(() -> {
                File f = File.create(p).await();
                assertThat(f.write(ByteBuffer.wrap(data)).await()).isEqualTo(data.length);
                f.close(); // the write is still queued or running
                return Fs.size(p).await();
            }));
            assertThat(size).isEqualTo(data.length);
        }
        assertThat(Files.readAllBytes(p)).containsExactly(data);
    }

    /** Awaits {@code f} for at most 10 s: a test reading an empty pipe by mistake fails instead of hanging. */
    static <T> T bounded(Future<T> f) {
        return Weft.timeout(Duration.ofSeconds(10), f).await();
    }

    static ByteBuffer filled(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 0x55);
        return ByteBuffer.wrap(b);
    }

    static void assertUntouched(ByteBuffer b) {
        assertThat(b.position()).isZero();
        for (int i = 0; i < b.limit(); i++) {
            assertThat(b.get(i)).isEqualTo((byte) 0x55);
        }
    }

    /** A named pipe in the temporary directory; skips the test where {@code mkfifo} is missing. */
    private Path fifo() throws Exception {
        Path p = dir.resolve("pipe");
        int status;
        try {
            status = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start().waitFor();
        } catch (IOException e) {
            status = -1;
        }
        assumeTrue(status == 0, "mkfifo is not available");
        return p;
    }

    /** Writes to the pipe, which the file under test holds open for reading (so this does not wait). */
    private static void feed(Path pipe, String s) {
        try (FileChannel w = FileChannel.open(pipe, WRITE)) {
            w.write(ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
