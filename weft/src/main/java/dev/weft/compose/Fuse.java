package dev.weft.compose;

import dev.weft.Context;
import dev.weft.Future;
import java.util.Objects;

/**
 * A future that remembers it has finished, so one future can be offered to many selects in turn: the
 * talk's {@code &mut network}, re-used across the iterations of a loop. A {@link Select} borrows a
 * fuse ({@link Select#onBorrowed}): losing a select does not cancel it, it keeps its progress for the
 * next one, and once it has finished every later select treats its branch as disabled.
 *
 * <pre>{@code
 * Fuse<Void> network = Fuse.of(readAll(socket));
 * while (true) {
 *     boolean more = Select.<Boolean>fair()
 *             .onBorrowed(network, done -> false)
 *             .onNonNull(lines.recv(), line -> { show(line); return true; })
 *             .otherwise(() -> false)                     // both branches finished
 *             .await();
 *     if (!more) break;
 * }
 * network.cancel();                                        // we own it: drop it when done
 * }</pre>
 *
 * <p>Polling a fuse that has finished is a bug in the caller (its output was already handed out) and
 * throws {@link IllegalStateException}; ask {@link #isTerminated()} first. The owner of a fuse cancels
 * it when it no longer wants it, as with any future.
 *
 * <p>Cost: one object around the future; a poll is one extra check. <b>Cancel safety:</b> as the inner
 * future.
 */
public final class Fuse<T> implements Future<T> {
    private Future<T> inner;

    private Fuse(Future<T> inner) {
        this.inner = inner;
    }

    /** A fuse around {@code future}, which it owns from now on. */
    public static <T> Fuse<T> of(Future<T> future) {
        return new Fuse<>(Objects.requireNonNull(future, "future"));
    }

    /** Whether the inner future has completed, failed or been cancelled. */
    public boolean isTerminated() {
        return inner == null;
    }

    /**
     * Polls the inner future.
     *
     * @throws IllegalStateException if it has already terminated
     */
    @Override
    public Object poll(Context cx) {
        Future<T> f = inner;
        if (f == null) {
            throw new IllegalStateException("this fuse has terminated: its future already completed, failed or was"
                    + " cancelled (check isTerminated() before polling it again)");
        }
        Object r;
        try {
            r = f.poll(cx);
        } catch (Throwable failure) {
            inner = null;
            throw failure;
        }
        if (r != PENDING) {
            inner = null;
        }
        return r;
    }

    /** Cancels the inner future unless it has terminated. Idempotent. */
    @Override
    public void cancel() {
        Future<T> f = inner;
        if (f != null) {
            inner = null;
            f.cancel();
        }
    }
}
