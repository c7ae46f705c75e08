package dev.weft;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * {@link Future#fromStage}: a Weft future of a {@link CompletionStage}'s outcome.
 *
 * <p>Implementation overview. The first poll that finds the stage incomplete registers one callback
 * ({@code whenComplete}); later polls only replace the stored waker when it changed. The callback,
 * on whatever thread completes the stage, writes the outcome ({@code value} or {@code failure}),
 * then sets the volatile {@code done}, then reads {@code waker} and wakes it. A poll writes
 * {@code waker}, then reads {@code done}. Both pairs are volatile accesses, which are totally ordered:
 * either the poll sees {@code done} (and, through it, the outcome), or the callback sees the poll's
 * waker. So no wake-up is lost, and the callback never runs user code: it records and wakes.
 * {@code registered} is touched by the poller only.
 */
final class StageFuture<T> implements Future<T> {
    private final CompletionStage<? extends T> stage;
    private volatile Waker waker;
    private volatile boolean done;
    /** The outcome; written by the callback before {@code done}. */
    private T value;
    private Throwable failure;
    private boolean registered;

    StageFuture(CompletionStage<? extends T> stage) {
        this.stage = stage;
    }

    @Override
    public Object poll(Context cx) {
        if (!done) {
            if (registered) {
                Waker w = cx.waker();
                if (waker != w) {
                    waker = w;
                }
            } else {
                if (isDoneFuture(stage)) {
                    return now((CompletableFuture<?>) stage); // no callback for a finished one
                }
                registered = true;
                waker = cx.waker();
                stage.whenComplete(this::completed); // runs at once, here, if it completed meanwhile
            }
            if (!done) {
                return PENDING;
            }
        }
        if (failure != null) {
            throw AsyncException.rethrow(failure);
        }
        return value;
    }

    private void completed(T v, Throwable x) {
        if (x != null) {
            failure = unwrap(x);
        } else {
            value = v;
        }
        done = true;
        Waker w = waker;
        if (w != null) {
            w.wake();
        }
    }

    /**
     * Cancels the stage if it is a {@link CompletableFuture} (with {@code cancel(false)}) and forgets
     * the waker. A stage that cannot be cancelled (another implementation, or a minimal stage) runs on
     * and its outcome is dropped.
     */
    @Override
    public void cancel() {
        waker = null;
        if (!done && stage instanceof CompletableFuture<?> cf) {
            try {
                cf.cancel(false);
            } catch (UnsupportedOperationException minimalStage) {
                // CompletableFuture.minimalCompletionStage() refuses cancel: nothing to propagate to.
            }
        }
    }

    private static boolean isDoneFuture(CompletionStage<?> stage) {
        try {
            return stage instanceof CompletableFuture<?> cf && cf.isDone();
        } catch (UnsupportedOperationException minimalStage) {
            return false; // a minimal stage answers nothing but its callbacks
        }
    }

    /** The outcome of a completed CompletableFuture, as a poll returns it. */
    private static Object now(CompletableFuture<?> cf) {
        try {
            return cf.join(); // never blocks: it is done
        } catch (CompletionException e) {
            throw AsyncException.rethrow(unwrap(e));
        }
    }

    /** The failure the stage's producer threw: dependent stages wrap it in a CompletionException. */
    private static Throwable unwrap(Throwable x) {
        if (x instanceof CompletionException && x.getCause() != null) {
            return x.getCause();
        }
        return x;
    }

    @Override
    public String toString() {
        return "Future.fromStage[" + (done ? "done" : "pending") + "]";
    }

}
