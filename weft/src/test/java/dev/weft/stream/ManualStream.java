package dev.weft.stream;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import java.util.ArrayDeque;

/**
 * A stream driven by hand for tests: items pushed, ended or failed from any thread; counts its polls,
 * keeps the waker of its latest pending poll and wakes it on a push, records a cancel.
 */
final class ManualStream<T> implements Stream<T> {
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private boolean ended;
    private RuntimeException failure;
    private Waker waker;
    private int polls;
    private boolean cancelled;

    @SafeVarargs
    static <T> ManualStream<T> of(T... items) {
        ManualStream<T> s = new ManualStream<>();
        for (T item : items) {
            s.items.add(item);
        }
        return s;
    }

    @Override
    public synchronized Object pollNext(Context cx) {
        polls++;
        T item = items.poll();
        if (item != null) {
            return item;
        }
        if (failure != null) {
            throw failure;
        }
        if (ended) {
            return null;
        }
        waker = cx.waker();
        return Future.PENDING;
    }

    @Override
    public synchronized void cancel() {
        cancelled = true;
        waker = null;
    }

    void push(T item) {
        update(() -> items.add(item));
    }

    void end() {
        update(() -> ended = true);
    }

    void fail(RuntimeException e) {
        update(() -> failure = e);
    }

    /** Applies {@code change} under the monitor, then wakes the latest poller outside it. */
    private void update(Runnable change) {
        Waker w;
        synchronized (this) {
            change.run();
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
