package dev.weft.runtime;

import dev.weft.AsyncException;
import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;

/**
 * Blocking work as a future: a pool thread runs it, and the future completes with its result. Used by
 * {@code spawnBlocking} (as a task's future) and {@code blockInPlace} (awaited directly).
 *
 * <p>Cancelling it before a pool thread has started it means it never runs; once running it runs to
 * the end (a blocking call cannot be interrupted safely in general) and its output is dropped.
 *
 * <p>Ordering: the pool thread writes the outcome, then the volatile {@code state}, then reads the
 * waker; a poller writes the waker, then reads {@code state} again. So either the poller sees DONE or
 * the pool thread sees the waker.
 */
final class BlockingCall<T> implements Future<T> {
    private static final int QUEUED = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int CANCELLED = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(BlockingCall.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Callable<T> work;
    private volatile int state = QUEUED;
    private volatile Waker waker;
    private Object outcome;
    private boolean failed;

    BlockingCall(Callable<T> work) {
        this.work = work;
    }

    /** What shutdown reports call this work: the class of the callable, which names where it was written. */
    String description() {
        return "blocking work " + work.getClass().getName();
    }

    /** Runs the work, on a pool thread; does nothing if it was cancelled first. */
    void run() {
        if (!STATE.compareAndSet(this, QUEUED, RUNNING)) {
            return;
        }
        try {
            outcome = work.call();
        } catch (Throwable t) {
            outcome = AsyncException.unchecked(t);
            failed = true;
        }
        state = DONE;
        Waker w = waker;
        if (w != null) {
            w.wake();
        }
    }

    @Override
    public Object poll(Context cx) {
        if (state == DONE) {
            return outcome();
        }
        waker = cx.waker();
        return state == DONE ? outcome() : PENDING;
    }

    private Object outcome() {
        if (failed) {
            throw AsyncException.rethrow((Throwable) outcome);
        }
        return outcome;
    }

    /** Drops the work: it never runs if it has not started; a running call finishes unobserved. */
    @Override
    public void cancel() {
        STATE.compareAndSet(this, QUEUED, CANCELLED);
    }
}
