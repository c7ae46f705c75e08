package dev.weft.fs;

import dev.weft.Future;
import dev.weft.io.BlockingIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.CopyOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Whole-file and directory operations as futures: Tokio's {@code tokio::fs} free functions over
 * {@link Files}. Each future runs its {@code Files} call on the blocking pool of the runtime that
 * polls it: operating systems offer no readiness for regular files, so a disk access blocks a thread,
 * and it had better be a pool thread than a worker.
 *
 * <pre>{@code
 * String config = Fs.readString(Path.of("app.conf")).await();
 * Fs.createDirectories(Path.of("out")).await();
 * Fs.writeString(Path.of("out/report.txt"), render(config)).await();
 * }</pre>
 *
 * <p>Every future is lazy: nothing touches the file system until it is first polled. Failures are
 * {@link java.io.UncheckedIOException}s whose message names the operation and the path and whose cause
 * is the {@code IOException} of {@code Files} (a {@link java.nio.file.NoSuchFileException} for a
 * missing file, and so on).
 *
 * <p>Cost: a hand-off to a pool thread and a wake-up back, some tens of microseconds, on top of the call
 * itself. Many small operations in a row cost more this way than one blocking call that does them all:
 * put such a batch in one {@link dev.weft.Weft#spawnBlocking} instead.
 *
 * <p><b>Cancel safety:</b> none of these can be taken back once a pool thread started them: a cancelled
 * future's call runs to the end and its result is dropped, so a cancelled {@code write}, {@code delete}
 * or {@code rename} may still happen. Cancelled before a pool thread took it, the call never runs.
 */
public final class Fs {
    private Fs() {
    }

    /** The whole content of the file at {@code path}. Its size must fit an array (under 2 GB). */
    public static Future<byte[]> readAllBytes(Path path) {
        Objects.requireNonNull(path, "path");
        return BlockingIo.call("readAllBytes", path, () -> Files.readAllBytes(path));
    }

    /** The whole content of the file at {@code path} decoded as UTF-8; malformed input fails. */
    public static Future<String> readString(Path path) {
        return readString(path, StandardCharsets.UTF_8);
    }

    /** The whole content of the file at {@code path} decoded with {@code charset}; malformed input fails. */
    public static Future<String> readString(Path path, Charset charset) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(charset, "charset");
        return BlockingIo.call("readString", path, () -> Files.readString(path, charset));
    }

    /**
     * Writes {@code bytes} to the file at {@code path}, creating it or replacing its content. The bytes
     * are copied by this call, so the array may be reused at once.
     */
    public static Future<Void> write(Path path, byte[] bytes) {
        Objects.requireNonNull(path, "path");
        return writeOwned(path, bytes.clone());
    }

    /**
     * Writes the bytes of {@code src} between its position and its limit to the file at {@code path},
     * creating it or replacing its content. The bytes are copied by this call, and {@code src} is left
     * as it was (its position does not move).
     */
    public static Future<Void> write(Path path, ByteBuffer src) {
        Objects.requireNonNull(path, "path");
        byte[] copy = new byte[src.remaining()];
        src.get(src.position(), copy);
        return writeOwned(path, copy);
    }

    /** Writes {@code text} encoded as UTF-8 to the file at {@code path}, creating it or replacing it. */
    public static Future<Void> writeString(Path path, CharSequence text) {
        return writeString(path, text, StandardCharsets.UTF_8);
    }

    /** Writes {@code text} encoded with {@code charset} to the file at {@code path}, creating or replacing it. */
    public static Future<Void> writeString(Path path, CharSequence text, Charset charset) {
        Objects.requireNonNull(path, "path");
        return writeOwned(path, text.toString().getBytes(charset));
    }

    private static Future<Void> writeOwned(Path path, byte[] bytes) {
        return run("write", path, () -> Files.write(path, bytes));
    }

    /**
     * Copies the file at {@code from} to {@code to}; with no options it fails if {@code to} exists
     * ({@link java.nio.file.StandardCopyOption#REPLACE_EXISTING} replaces it). See {@link Files#copy}.
     */
    public static Future<Void> copy(Path from, Path to, CopyOption... options) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        CopyOption[] opts = options.clone();
        return run("copy", from + " to " + to, () -> Files.copy(from, to, opts));
    }

    /**
     * Moves or renames {@code from} to {@code to} (Tokio's {@code rename}); see {@link Files#move}. With
     * {@link java.nio.file.StandardCopyOption#ATOMIC_MOVE} it is atomic or fails.
     */
    public static Future<Void> rename(Path from, Path to, CopyOption... options) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        CopyOption[] opts = options.clone();
        return run("rename", from + " to " + to, () -> Files.move(from, to, opts));
    }

    /** Creates the directory {@code dir}; fails if it exists or its parent does not. */
    public static Future<Void> createDirectory(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return run("createDirectory", dir, () -> Files.createDirectory(dir));
    }

    /** Creates the directory {@code dir} and any missing parents; succeeds if it exists already. */
    public static Future<Void> createDirectories(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return run("createDirectories", dir, () -> Files.createDirectories(dir));
    }

    /** Deletes the file or empty directory at {@code path}; fails if there is none. */
    public static Future<Void> delete(Path path) {
        Objects.requireNonNull(path, "path");
        return run("delete", path, () -> Files.delete(path));
    }

    /** Deletes the file or empty directory at {@code path} if there is one; completes with whether there was. */
    public static Future<Boolean> deleteIfExists(Path path) {
        Objects.requireNonNull(path, "path");
        return BlockingIo.call("deleteIfExists", path, () -> Files.deleteIfExists(path));
    }

    /**
     * Deletes {@code dir} and everything under it (Tokio's {@code remove_dir_all}), in one blocking call.
     * Symbolic links are deleted, not followed. Fails on the first entry it cannot delete, leaving the
     * rest.
     */
    public static Future<Void> deleteRecursively(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return run("deleteRecursively", dir, () -> Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        }));
    }

    /**
     * Whether something exists at {@code path}. Like {@link Files#exists}, a path that cannot be
     * examined (no permission) counts as absent.
     */
    public static Future<Boolean> exists(Path path, LinkOption... options) {
        Objects.requireNonNull(path, "path");
        LinkOption[] opts = options.clone();
        return BlockingIo.call("exists", path, () -> Files.exists(path, opts));
    }

    /** The size in bytes of the file at {@code path}. */
    public static Future<Long> size(Path path) {
        Objects.requireNonNull(path, "path");
        return BlockingIo.call("size", path, () -> Files.size(path));
    }

    /**
     * The basic attributes of the file at {@code path} (Tokio's {@code metadata}): size, times, and
     * whether it is a file, a directory or a link. Links are followed unless
     * {@link LinkOption#NOFOLLOW_LINKS} is given.
     */
    public static Future<BasicFileAttributes> metadata(Path path, LinkOption... options) {
        Objects.requireNonNull(path, "path");
        LinkOption[] opts = options.clone();
        return BlockingIo.call("metadata", path, () -> Files.readAttributes(path, BasicFileAttributes.class, opts));
    }

    /**
     * The entries of the directory {@code dir} (files and subdirectories, not {@code .} and {@code ..}),
     * as paths under {@code dir}, in no particular order. The whole listing is read in one blocking call
     * and held in memory.
     */
    public static Future<List<Path>> list(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return BlockingIo.call("list", dir, () -> {
            try (Stream<Path> entries = Files.list(dir)) {
                return entries.toList();
            }
        });
    }

    /** A pool call with no result; see {@link BlockingIo#call}. */
    private static Future<Void> run(String op, Object target, Action action) {
        return BlockingIo.call(op, target, () -> {
            action.run();
            return null;
        });
    }

    @FunctionalInterface
    private interface Action {
        void run() throws IOException;
    }
}
