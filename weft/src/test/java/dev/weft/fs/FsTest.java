package dev.weft.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole-file and directory futures of {@link Fs}, on both runtime flavours. */
class FsTest {
    @TempDir
    Path dir;

    static List<Runtime> bothFlavours() {
        return List.of(Runtime.builder().currentThread().build(),
                Runtime.builder().multiThread().workerThreads(2).build());
    }

    @Test
    void bytesAndStringsMakeTheRoundTripOnBothRuntimes() {
        for (Runtime rt : bothFlavours()) {
            try (rt) {
                Path bin = dir.resolve("bytes-" + rt.handle().name());
                Path text = dir.resolve("text-" + rt.handle().name());
                byte[] bytes = {0, 1, 2, (byte) 0xFF, 42};
                rt.blockOn(Weft.async(() -> {
                    Fs.write(bin, bytes).await();
                    Fs.writeString(text, "grüße, weft").await();
                    assertThat(Fs.readAllBytes(bin).await()).containsExactly(bytes);
                    assertThat(Fs.readString(text).await()).isEqualTo("grüße, weft");
                    assertThat(Fs.readString(text, StandardCharsets.ISO_8859_1).await()).isNotEqualTo("grüße, weft");
                }));
            }
        }
    }

    @Test
    void writingABufferWritesItsRemainingBytesAndLeavesItAsItWas() {
        Path p = dir.resolve("buf");
        ByteBuffer src = ByteBuffer.wrap("xxhelloyy".getBytes(StandardCharsets.US_ASCII)).position(2).limit(7);
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            rt.blockOn(Fs.write(p, src));
            assertThat(rt.blockOn(Fs.readString(p))).isEqualTo("hello");
        }
        assertThat(src.position()).isEqualTo(2);
        assertThat(src.limit()).isEqualTo(7);
    }

    @Test
    void theBytesAreTakenWhenTheWriteIsMadeSoTheArrayMayBeReusedAtOnce() {
        Path p = dir.resolve("copied");
        byte[] bytes = "before".getBytes(StandardCharsets.US_ASCII);
        Future<Void> write = Fs.write(p, bytes);
        bytes[0] = 'X';
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            rt.blockOn(write);
            assertThat(rt.blockOn(Fs.readString(p))).isEqualTo("before");
        }
    }

    @Test
    void nothingTouchesTheFileSystemUntilTheFutureIsPolled() throws Exception {
        Path p = dir.resolve("lazy");
        Future<Void> write = Fs.writeString(p, "x");
        Future<Void> mkdir = Fs.createDirectories(dir.resolve("a/b"));
        write.cancel();
        mkdir.cancel();
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            rt.blockOn(Fs.exists(dir)); // the pool has run something, and still:
        }
        assertThat(Files.exists(p)).isFalse();
        assertThat(Files.exists(dir.resolve("a"))).isFalse();
    }

    @Test
    void readingAMissingFileFailsWithNoSuchFileNamingThePathAndTheOperation() {
        Path missing = dir.resolve("missing.txt");
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            assertThatThrownBy(() -> rt.blockOn(Fs.readAllBytes(missing)))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(NoSuchFileException.class)
                    .hasMessageContaining("readAllBytes")
                    .hasMessageContaining(missing.toString());
            assertThatThrownBy(() -> rt.blockOn(Fs.size(missing)))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(NoSuchFileException.class)
                    .hasMessageContaining("size " + missing);
        }
    }

    @Test
    void aFuturePolledOutsideARuntimeFailsSayingSo() {
        Future<byte[]> read = Fs.readAllBytes(dir.resolve("x"));
        assertThatThrownBy(() -> read.poll(new dev.weft.Context(() -> { })))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no Weft runtime");
    }

    @Test
    void listingADirectoryGivesItsEntriesAndNotItsSubdirectoriesContents() {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            List<Path> entries = rt.blockOn(Weft.async(() -> {
                Fs.createDirectories(dir.resolve("sub/deeper")).await();
                Fs.writeString(dir.resolve("a.txt"), "a").await();
                Fs.writeString(dir.resolve("b.txt"), "b").await();
                Fs.writeString(dir.resolve("sub/c.txt"), "c").await();
                return Fs.list(dir).await();
            }));
            assertThat(entries).containsExactlyInAnyOrder(dir.resolve("a.txt"), dir.resolve("b.txt"), dir.resolve("sub"));
            assertThatThrownBy(() -> rt.blockOn(Fs.list(dir.resolve("nope"))))
                    .hasCauseInstanceOf(NoSuchFileException.class)
                    .hasMessageContaining("list " + dir.resolve("nope"));
        }
    }

    @Test
    void copyRenameDeleteExistsSizeAndMetadataDoWhatFilesDoes() {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path c = dir.resolve("c");
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            rt.blockOn(Weft.async(() -> {
                Fs.writeString(a, "12345").await();
                Fs.copy(a, b).await();
                assertThat(Fs.readString(b).await()).isEqualTo("12345");
                Fs.rename(b, c).await();
                assertThat(Fs.exists(b).await()).isFalse();
                assertThat(Fs.exists(c).await()).isTrue();
                assertThat(Fs.size(c).await()).isEqualTo(5L);
                BasicFileAttributes attrs = Fs.metadata(c).await();
                assertThat(attrs.isRegularFile()).isTrue();
                assertThat(attrs.size()).isEqualTo(5L);
                assertThat(Fs.metadata(dir).await().isDirectory()).isTrue();
                Fs.delete(c).await();
                assertThat(Fs.exists(c).await()).isFalse();
                assertThat(Fs.deleteIfExists(c).await()).isFalse();
                assertThat(Fs.deleteIfExists(a).await()).isTrue();
            }));
        }
    }

    @Test
    void copyOntoAnExistingFileFailsNamingBothPathsUnlessAskedToReplace() {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            rt.blockOn(Weft.async(() -> {
                Fs.writeString(a, "new").await();
                Fs.writeString(b, "old").await();
            }));
            assertThatThrownBy(() -> rt.blockOn(Fs.copy(a, b)))
                    .hasCauseInstanceOf(FileAlreadyExistsException.class)
                    .hasMessageContaining("copy " + a + " to " + b);
            rt.blockOn(Fs.copy(a, b, StandardCopyOption.REPLACE_EXISTING));
            assertThat(rt.blockOn(Fs.readString(b))).isEqualTo("new");
        }
    }

    @Test
    void deleteRefusesAFullDirectoryAndDeleteRecursivelyEmptiesIt() {
        Path top = dir.resolve("top");
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            rt.blockOn(Weft.async(() -> {
                Fs.createDirectories(top.resolve("x/y")).await();
                Fs.writeString(top.resolve("x/y/f"), "f").await();
                Fs.writeString(top.resolve("g"), "g").await();
            }));
            assertThatThrownBy(() -> rt.blockOn(Fs.delete(top))).hasCauseInstanceOf(DirectoryNotEmptyException.class);
            assertThatThrownBy(() -> rt.blockOn(Fs.createDirectory(top))).hasCauseInstanceOf(FileAlreadyExistsException.class);
            rt.blockOn(Fs.deleteRecursively(top));
            assertThat(Files.exists(top)).isFalse();
            assertThat(Files.exists(dir)).isTrue();
        }
    }
}
