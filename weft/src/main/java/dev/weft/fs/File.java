package dev.weft.fs;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.io.AsyncRead;
import dev.weft.io.AsyncWrite;
import dev.weft.io.BlockingIo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * A file opened for reading and writing through futures: Tokio's {@code tokio::fs::File}. Each
 * operation is a blocking call on a {@link FileChannel}, run on the blocking pool of the runtime that
 * polls it.
 *
 * <pre>{@code
 * try (File f = File.create(Path.of("log.bin")).await()) {
 *     ByteBuffer src = ByteBuffer.wrap(record);
 *     while (src.hasRemaining()) {
 *         f.write(src).await();
 *     }
 *     f.sync().await();        // on the disk, not just handed to the OS
 * }
 * }</pre>
 *
 * <p><b>One operation at a time.</b> A file runs one operation at a time, in the order they are
 * polled: an operation polled while another is still waiting for its result fails with
 * {@link IllegalStateException} (two tasks sharing a file should take turns through a
 * {@link dev.weft.sync.Mutex}). An operation that was <em>cancelled</em> while its call ran on the pool
 * does not count: the next operation waits for that call to finish, then goes on.
 *
 * <p><b>Buffering.</b> The caller's buffer is never handed to the pool: an operation in flight owns an
 * internal buffer of up to {@value #MAX_BUF} bytes (larger reads and writes move that much per call),
 * and the bytes are copied into the caller's buffer when a read completes, or out of it when a write
 * starts. So a cancelled read can never write into the caller's buffer later.
 *
 * <p><b>Writes complete early.</b> As in Tokio, a write completes as soon as its bytes are copied into
 * the internal buffer, and the pool writes them behind it; the next operation waits for that write.
 * A failure of such a write is thrown by the next operation on the file, whatever it is. Await
 * {@link #flush()} to know that everything written so far reached the OS, and {@link #sync()} for the
 * disk. {@link #close()} does not wait: it closes the channel once the pending write is done, and a
 * failure of that write is lost, so flush before closing when it matters.
 *
 * <p>Errors are {@link UncheckedIOException}s naming the operation and the path. A file may be used
 * from any thread; it belongs to no runtime.
 *
 * <h2>Implementation overview</h2>
 * All state is guarded by the file's monitor, which is held only for short, non-blocking steps, never
 * across a pool call. {@code inFlight} is the pool call in progress, or one that finished but that no
 * operation has looked at yet; {@code owner} is the operation waiting for it (null after that
 * operation was cancelled, and for a write, which nobody waits for). Invariant: <em>while
 * {@code inFlight} is set, only its pool thread touches {@code buf}</em>; an operation starts by taking
 * the in-flight call to its end ("settling" it) before it looks at {@code buf}. A settled call leaves:
 * from a read, the bytes it read in {@code buf} (flipped), given to whichever read comes next; from a
 * write, an empty buffer and maybe a failure to report; from anything else, nothing. The file position
 * seen by the caller is the channel's minus the unread bytes in {@code buf}: an operation that moves or
 * depends on the position first seeks back over them (on the pool thread) and drops them.
 *
 * <p>Ordering: the task writes {@code buf} (a write's bytes) before handing the call to the pool,
 * whose queue lock orders that before the pool thread's reads; the pool thread's writes to
 * {@code buf} come before the volatile completion of the call's future, which the settling operation
 * reads before it reads {@code buf}. {@code running} (set when a call is handed to the pool, cleared by
 * the pool thread at its end, both under the monitor) lets {@link #close()} leave the channel open
 * until the pool thread is done with it.
 */
public final class File implements AsyncRead, AsyncWrite, AutoCloseable {
    /** The most one read or write moves through the internal buffer in one pool call: 2 MB, as Tokio. */
    public static final int MAX_BUF = 2 * 1024 * 1024;

    /** What a step returns when it handed a call to the pool and the operation must wait for it. */
    private static final Object STARTED = new Object();

    private final Path path;
    private final FileChannel channel;
    private final boolean writable;

    private Flight inFlight;
    private Op<?> owner;
    /** Unread bytes of a cancelled read (flipped) when idle; the bytes of the pool call while one is in flight. */
    private ByteBuffer buf = ByteBuffer.allocate(0);
    private RuntimeException writeFailure;
    private boolean running;
    private boolean closed;

    /** A pool call, the operation that waits for it (null: nobody, as for a write), and whether it writes. */
    private record Flight(Op<?> op, boolean write, Future<Object> call) {
    }

    private File(Path path, FileChannel channel, boolean writable) {
        this.path = path;
        this.channel = channel;
        this.writable = writable;
    }

    /**
     * A future that opens the file at {@code path} with {@code options} ({@link StandardOpenOption}; none
     * means {@code READ}) and completes with it. Nothing happens until it is polled.
     *
     * <p><b>Cancel safety:</b> cancel-safe: a file that the pool opened for a cancelled future is closed.
     *
     * @throws UncheckedIOException (from the future) naming the path, with the cause from
     *     {@link FileChannel#open(Path, OpenOption...)} (a {@link java.nio.file.NoSuchFileException} for a
     *     missing file)
     */
    public static Future<File> open(Path path, OpenOption... options) {
        return new Open(Objects.requireNonNull(path, "path"), options.clone());
    }

    /** {@link #open} for writing: creates the file, or empties it if it exists (Tokio's {@code File::create}). */
    public static Future<File> create(Path path) {
        return open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    /** The path this file was opened with. */
    public Path path() {
        return path;
    }

    /**
     * A future that reads up to {@code dst.remaining()} bytes (at most {@value #MAX_BUF}) at the file
     * position into {@code dst} from its position, and completes with the count, or -1 at the end of the
     * file. A {@code dst} with no room completes with 0.
     *
     * <p><b>Cancel safety:</b> cancel-safe. {@code dst} is written only in the poll that completes the
     * read. The bytes a cancelled read took from the file stay in the file's buffer: the next read
     * returns them first, and every other operation (a seek, a write, {@link #position()}) behaves as if
     * the cancelled read had never happened. Nothing is lost and the position stays where the caller saw
     * it.
     */
    @Override
    public Future<Integer> read(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return new Op<>("read", op -> {
            if (!dst.hasRemaining()) {
                return 0;
            }
            if (buf.hasRemaining()) {
                return copyOut(dst);
            }
            ByteBuffer b = buffer(Math.min(dst.remaining(), MAX_BUF));
            start(op, false, 0, () -> {
                try {
                    return channel.read(b);
                } finally {
                    b.flip(); // even after a failure: buf then holds only what was really read
                }
            });
            return STARTED;
        }, n -> (Integer) n < 0 ? -1 : copyOut(dst));
    }

    /**
     * A future that takes up to {@value #MAX_BUF} bytes from {@code src} (its position moves past them)
     * and completes with the count once they are in the file's buffer; the pool writes them at the file
     * position behind it (see the class comment). Waits while an earlier write is still going.
     *
     * <p><b>Cancel safety:</b> cancel-safe: bytes are taken from {@code src} only in the poll that
     * completes with their count.
     */
    @Override
    public Future<Integer> write(ByteBuffer src) {
        Objects.requireNonNull(src, "src");
        return new Op<>("write", op -> {
            if (!writable) {
                throw new IllegalStateException("write on " + path + ": the file was opened for reading only"
                        + " (open it with WRITE or APPEND)");
            }
            if (!src.hasRemaining()) {
                return 0;
            }
            int unread = buf.remaining();
            int n = Math.min(src.remaining(), MAX_BUF);
            ByteBuffer b = buffer(n);
            b.put(0, src, src.position(), n);
            src.position(src.position() + n);
            start(op, true, unread, () -> {
                while (b.hasRemaining()) {
                    channel.write(b);
                }
                return null;
            });
            return n;
        }, null);
    }

    /**
     * A future that completes when every write before it has reached the OS (not necessarily the disk:
     * see {@link #sync()}), or fails with the failure of one of them. Cancel-safe.
     */
    @Override
    public Future<Void> flush() {
        return new Op<>("flush", op -> null, null);
    }

    /**
     * A future that flushes, then asks the OS to put the file's content and metadata on the storage
     * device ({@link FileChannel#force force(true)}, Tokio's {@code sync_all}). This is what makes data
     * survive a crash, and it may take milliseconds.
     *
     * <p><b>Cancel safety:</b> cancelled once started, the sync still happens.
     */
    public Future<Void> sync() {
        return pool("sync", false, () -> {
            channel.force(true);
            return null;
        });
    }

    /** Like {@link #sync()} but without metadata that reads do not need ({@code force(false)}, Tokio's {@code sync_data}). */
    public Future<Void> syncData() {
        return pool("syncData", false, () -> {
            channel.force(false);
            return null;
        });
    }

    /**
     * A future that sets the file position to {@code position} (bytes from the start; past the end is
     * allowed, and a write there leaves a gap of zeros) and completes with it.
     *
     * <p><b>Cancel safety:</b> cancelled once started, the position may or may not have moved.
     */
    public Future<Long> seek(long position) {
        if (position < 0) {
            throw new IllegalArgumentException("seek to a negative position: " + position);
        }
        return pool("seek", true, () -> {
            channel.position(position);
            return position;
        });
    }

    /** A future of the file position: where the next read or write starts. Cancel-safe. */
    public Future<Long> position() {
        return new Op<>("position", op -> {
            int unread = buf.remaining(); // kept: reading the position moves nothing
            start(op, false, 0, () -> channel.position() - unread);
            return STARTED;
        }, null);
    }

    /** A future of the file's size in bytes, counting writes that completed before it. Cancel-safe. */
    public Future<Long> size() {
        return pool("size", false, channel::size);
    }

    /**
     * A future that truncates the file to {@code length} bytes or extends it with zeros (Tokio's
     * {@code set_len}). A position past the new end moves to it when the file shrinks.
     *
     * <p><b>Cancel safety:</b> cancelled once started, the change may or may not have happened.
     */
    public Future<Void> setLength(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative file length: " + length);
        }
        return pool("setLength", true, () -> {
            long size = channel.size();
            if (length < size) {
                channel.truncate(length);
            } else if (length > size) {
                channel.write(ByteBuffer.allocate(1), length - 1); // positional: the position stays
            }
            return null;
        });
    }

    /**
     * Closes the file. A write still going on the pool finishes first, then the pool thread closes the
     * channel; its failure, if any, is lost (await {@link #flush()} before closing to see it).
     * Operations polled after this fail. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (running) {
                return; // the pool thread closes it when its call ends
            }
        }
        try {
            channel.close();
        } catch (IOException e) {
            throw BlockingIo.failure("close", path, e);
        }
    }

    @Override
    public String toString() {
        return "File[" + path + "]";
    }

    /** An operation that is one pool call whose result is its output. */
    private <T> Op<T> pool(String name, boolean dropReadAhead, Callable<T> io) {
        return new Op<>(name, op -> {
            int unread = 0;
            if (dropReadAhead) {
                unread = buf.remaining();
                buf.position(buf.limit());
            }
            start(op, false, unread, io);
            return STARTED;
        }, null);
    }

    /**
     * Hands {@code io} to the pool as the file's call in flight, after seeking back over {@code unread}
     * bytes of read-ahead. A write is owned by nobody: its operation has completed already.
     */
    private void start(Op<?> op, boolean write, int unread, Callable<?> io) {
        String name = op.name;
        running = true;
        Future<Object> call;
        try {
            call = BlockingIo.runBlocking(() -> {
                try {
                    if (unread > 0) {
                        channel.position(channel.position() - unread);
                    }
                    return io.call();
                } catch (IOException e) {
                    throw BlockingIo.failure(name, path, e);
                } finally {
                    poolCallEnded();
                }
            });
        } catch (RuntimeException e) {
            running = false; // refused (the runtime is shutting down): no pool thread will have the channel
            throw e;
        }
        inFlight = new Flight(write ? null : op, write, call);
        owner = write ? null : op;
    }

    /** On the pool thread, at the end of a call: closes the channel if the file was closed meanwhile. */
    private void poolCallEnded() {
        synchronized (this) {
            running = false;
            if (!closed) {
                return;
            }
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // close() has returned long ago; there is nobody left to tell
        }
    }

    /** {@code buf} emptied and sized for {@code n} bytes: position 0, limit {@code n}. */
    private ByteBuffer buffer(int n) {
        if (buf.capacity() < n) {
            buf = ByteBuffer.allocate(n);
        }
        return buf.clear().limit(n);
    }

    /** Moves what fits of {@code buf} into {@code dst}; returns the count. */
    private int copyOut(ByteBuffer dst) {
        int n = Math.min(buf.remaining(), dst.remaining());
        dst.put(dst.position(), buf, buf.position(), n);
        dst.position(dst.position() + n);
        buf.position(buf.position() + n);
        return n;
    }

    /** What an operation does once the file is idle: its output now, or {@link #STARTED}. */
    @FunctionalInterface
    private interface Step {
        Object run(Op<?> op);
    }

    /**
     * One operation on the file, as a future. Its poll settles the call in flight (waiting for it if
     * need be), reports a failed write, then runs its step; if the step started a pool call, it waits
     * for that and turns the call's result into the output with {@code end} (identity if null).
     */
    private final class Op<T> implements Future<T> {
        final String name;
        private final Step step;
        private final Function<Object, Object> end;
        private boolean done;
        private Object output;
        private RuntimeException failure;

        Op(String name, Step step, Function<Object, Object> end) {
            this.name = name;
            this.step = step;
            this.end = end;
        }

        @Override
        public Object poll(Context cx) {
            synchronized (File.this) {
                if (!done) {
                    try {
                        Object r = advance(cx);
                        if (r == PENDING) {
                            return PENDING;
                        }
                        output = r;
                    } catch (RuntimeException e) {
                        failure = e;
                    }
                    done = true;
                }
                if (failure != null) {
                    throw failure;
                }
                return output;
            }
        }

        private Object advance(Context cx) {
            while (true) {
                if (closed) {
                    throw BlockingIo.failure(name, path, new ClosedChannelException());
                }
                Flight f = inFlight;
                if (f != null) {
                    if (owner != null && owner != this) {
                        throw new IllegalStateException(name + " on " + path + " while a " + owner.name + " on it is"
                                + " still in progress: a file runs one operation at a time (await each before"
                                + " starting the next; share a file between tasks through a Mutex)");
                    }
                    owner = this;
                    Object r;
                    RuntimeException failed = null;
                    try {
                        r = f.call().poll(cx);
                    } catch (RuntimeException e) {
                        r = null;
                        failed = e;
                    }
                    if (r == PENDING) {
                        return PENDING;
                    }
                    inFlight = null;
                    owner = null;
                    if (f.op() == this) {
                        if (failed != null) {
                            throw failed;
                        }
                        return end == null ? r : end.apply(r);
                    }
                    if (failed != null && f.write() && writeFailure == null) {
                        writeFailure = failed;
                    }
                    continue; // a cancelled operation's call, or a write: settled, now this one's turn
                }
                RuntimeException w = writeFailure;
                if (w != null) {
                    writeFailure = null;
                    throw w;
                }
                Object now = step.run(this);
                if (now != STARTED) {
                    return now;
                }
            }
        }

        /** Gives up waiting: the call in flight, if any, runs on and the next operation settles it. */
        @Override
        public void cancel() {
            synchronized (File.this) {
                if (owner == this) {
                    owner = null;
                }
            }
        }
    }

    /** Opens on the pool; closes a file opened for a future that was cancelled meanwhile. */
    private static final class Open implements Future<File> {
        private final Path path;
        private final OpenOption[] options;
        private Future<File> call;
        /** Guarded by this: set by cancel; and the file opened but not yet handed to the poller. */
        private boolean cancelled;
        private File opened;

        Open(Path path, OpenOption[] options) {
            this.path = path;
            this.options = options;
        }

        @Override
        public Object poll(Context cx) {
            if (call == null) {
                call = BlockingIo.runBlocking(this::openNow);
            }
            Object r = call.poll(cx);
            if (r != PENDING) {
                synchronized (this) {
                    opened = null; // handed over: a late cancel must not close it
                }
            }
            return r;
        }

        private File openNow() {
            File f;
            try {
                f = new File(path, FileChannel.open(path, options), writable(options));
            } catch (IOException e) {
                throw BlockingIo.failure("open", path, e);
            }
            synchronized (this) {
                if (!cancelled) {
                    opened = f;
                    return f;
                }
            }
            f.close();
            return null;
        }

        private static boolean writable(OpenOption[] options) {
            for (OpenOption o : options) {
                if (o == StandardOpenOption.WRITE || o == StandardOpenOption.APPEND) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void cancel() {
            File f;
            synchronized (this) {
                cancelled = true;
                f = opened;
                opened = null;
            }
            if (f != null) {
                f.close();
            }
            if (call != null) {
                call.cancel();
            }
        }
    }
}
