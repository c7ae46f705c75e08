package dev.weft.io;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.internal.RuntimeServices;
import dev.weft.internal.ThreadContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * I/O that has no readiness to wait for, done on the runtime's blocking pool: what files
 * ({@code dev.weft.fs}) and host lookup ({@code dev.weft.net.Dns}) are built on, as in Tokio. A disk
 * read or a {@code getaddrinfo} blocks a thread whatever one does (NIO's selector cannot watch a
 * regular file), so the call runs on a pool thread and the task waits for it without holding a worker.
 *
 * <p>Public for the same reason as {@link Registration}: to wrap another blocking I/O call the same
 * way, with the same laziness and the same errors.
 */
public final class BlockingIo {
    private BlockingIo() {
    }

    /**
     * A lazy future of {@code io} run on the blocking pool of the runtime that polls it: nothing runs
     * until the first poll, which hands {@code io} to the pool; the future completes with its result.
     * An {@link IOException} from {@code io} fails the future with an {@link UncheckedIOException} whose
     * message names {@code op} and {@code target} (see {@link #failure}); other exceptions pass as they
     * are.
     *
     * <p>Cost: a pool hand-off and a wake-up, some tens of microseconds; a pool thread is started when
     * none is idle. Worth it for calls that may block; not for ones that never do.
     *
     * <p><b>Cancel safety:</b> cancelled before a pool thread took the call, it never runs. Cancelled
     * later, the call runs to the end on the pool (a blocking call cannot be taken back) and its result
     * is dropped: a cancelled write or rename may still happen.
     *
     * @param op what the call does ({@code "read"}, {@code "lookup"}), for error messages
     * @param target what it does it to (a path, a host name), for error messages
     * @throws IllegalStateException (from the future's poll) outside a runtime
     */
    public static <T> Future<T> call(String op, Object target, Callable<T> io) {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(io, "io");
        return new Lazy<>(() -> {
            try {
                return io.call();
            } catch (IOException e) {
                throw failure(op, target, e);
            }
        });
    }

    /**
     * An {@link UncheckedIOException} with cause {@code e} whose message says which operation on
     * which target failed and why: {@code "read /tmp/x failed: NoSuchFileException: /tmp/x"}.
     */
    public static UncheckedIOException failure(String op, Object target, IOException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new UncheckedIOException(op + " " + target + " failed: " + why, e);
    }

    /**
     * Starts {@code work} on the blocking pool of the runtime on this thread now.
     *
     * @throws IllegalStateException outside a runtime
     */
    public static <T> Future<T> runBlocking(Callable<T> work) {
        if (ThreadContext.current().runtime instanceof RuntimeServices services) {
            return services.runBlocking(work);
        }
        throw new IllegalStateException("no Weft runtime on this thread: file and DNS futures run their blocking"
                + " calls on a runtime's blocking pool, so poll them inside a runtime (blockOn, a task)");
    }

    /** Starts {@code work} on the pool at the first poll, then waits for it. */
    private static final class Lazy<T> implements Future<T> {
        private Callable<T> work;
        private Future<T> started;

        Lazy(Callable<T> work) {
            this.work = work;
        }

        @Override
        public Object poll(Context cx) {
            if (started == null) {
                started = runBlocking(work);
                work = null;
            }
            return started.poll(cx);
        }

        @Override
        public void cancel() {
            if (started != null) {
                started.cancel();
            }
            work = null;
        }
    }
}
