package dev.weft.bench;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An async latch: a hand-written future that completes once {@link #countDown()} has been called
 * {@code count} times. A benchmark awaits it (or hands it to {@code blockOn}) where Tokio's benchmarks
 * receive from a channel, so the waiting task suspends instead of blocking a worker.
 *
 * <p>One waiter at a time. The waiter stores its waker, then reads the count again; a counter
 * decrements, then reads the waker. Both fields are volatile, so at least one side sees the other:
 * either the waiter's second read sees zero, or the last counter sees the waker and wakes it (a wake
 * that arrives after the waiter already saw zero is harmless).
 */
final class Countdown implements Future<Void> {
    private final AtomicInteger remaining;
    private volatile Waker waiter;

    Countdown(int count) {
        this.remaining = new AtomicInteger(count);
    }

    /** Counts one down; the last one wakes the waiter. Any thread. */
    void countDown() {
        if (remaining.decrementAndGet() == 0) {
            Waker w = waiter;
            if (w != null) {
                w.wake();
            }
        }
    }

    @Override
    public Object poll(Context cx) {
        if (remaining.get() == 0) {
            return null;
        }
        waiter = cx.waker();
        return remaining.get() == 0 ? null : PENDING;
    }
}
