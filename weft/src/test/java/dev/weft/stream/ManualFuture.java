package dev.weft.stream;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;

/** A future completed by hand for tests: counts its polls, wakes its latest waker, records a cancel. */
final class ManualFuture<T> implements Future<T> {
    private Object outcome; // null: pending; a RuntimeException: the failure; else the output
    private Waker waker;
    private int polls;
    private boolean cancelled;

    @Override
    public synchronized Object poll(Context cx) {
        polls++;
        if (outcome instanceof RuntimeException e) {
            throw e;
        }
        if (outcome != null) {
            return outcome;
        }
        waker = cx.waker();
        return PENDING;
    }

    @Override
    public synchronized void cancel() {
        cancelled = true;
        waker = null;
    }

    void complete(T value) {
        settle(value);
    }

    void fail(RuntimeException e) {
        settle(e);
    }

    private void settle(Object o) {
        Waker w;
        synchronized (this) {
            outcome = o;
            w = waker;
            waker = null;
        }
        if (w != null) {
            w.wake();
        }
    }

    synchronized int polls() {
        return polls;
    }

    synchronized boolean cancelled() {
        return cancelled;
    }
}
