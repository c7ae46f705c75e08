package dev.weft.io;

import dev.weft.internal.Park;
import dev.weft.internal.RuntimeServices;
import dev.weft.internal.ThreadContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The I/O layer of a runtime's park stack: a {@link Selector} (epoll on Linux) that turns OS readiness
 * into wake-ups of the tasks waiting on sockets. Not API: sockets reach it through the runtime they are
 * used in; a runtime makes one and puts it under its time driver.
 *
 * <h2>Implementation overview</h2>
 * <ul>
 *   <li><b>Parking.</b> {@link #park(long)} is a {@code select} with the caller's timeout (the time
 *       driver above passes the next timer's deadline), or {@code selectNow} for a zero timeout. Then,
 *       for each ready key, it hands the ready operations to the key's {@link Registration}, which
 *       records them and wakes its waiters. One thread parks here at a time (the scheduler's driver
 *       lock, or the current-thread runtime's one thread); it is the only reader of the selected-key
 *       set.</li>
 *   <li><b>Interest is cleared when its event is taken</b> ({@code interestOpsAnd}), and set again only
 *       by an operation that hit "would block" ({@link Registration}). NIO's selector is
 *       level-triggered: interest left on for a socket under backpressure (writable interest on a full
 *       send buffer is fine, but readable interest on data that nobody reads is not) would return from
 *       every {@code select} at once and spin the driver.</li>
 *   <li><b>Cross-thread interest changes wake the selector.</b> NIO queues an {@code interestOps}
 *       change made from another thread and applies it at the next {@code select}; a selector already
 *       blocked in {@code select} does not see it. So an operation that arms interest calls
 *       {@link #wakeupIfSelecting()}: it reads the volatile {@code selecting} flag after queueing its
 *       change, and the driver sets the flag before {@code select} (which takes the same NIO lock as
 *       the queueing): either the select applies the change or the change sees the flag and wakes it.</li>
 *   <li><b>Wake-ups coalesce.</b> {@code Selector.wakeup()} is a system call (an eventfd write).
 *       {@code wakeupPending} lets only the first of many concurrent unparks make it; the driver
 *       clears the flag after {@code select} returns. An unpark whose wakeup was skipped is covered:
 *       the pending wakeup ends this or the next {@code select}, and the parked thread looks for work
 *       after every park.</li>
 *   <li><b>Ticks.</b> Each park with events increments {@code tick}; a registration records the tick
 *       of the event that made it ready, so an operation that saw "would block" clears readiness only if
 *       no newer event arrived meanwhile (Tokio's rule: a stale would-block never erases a fresh
 *       event).</li>
 * </ul>
 */
public final class IoDriver implements Park {
    private final Selector selector;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private volatile boolean selecting;
    private volatile boolean closed;
    /** Parks that delivered events; written by the parking thread only. */
    private volatile int tick;
    private long selects;
    private long events;

    /** Opens a selector. */
    public IoDriver() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the I/O driver's selector (out of file descriptors?)", e);
        }
    }

    /**
     * The I/O driver of the runtime on the current thread.
     *
     * @throws IllegalStateException outside a runtime
     */
    public static IoDriver current() {
        if (ThreadContext.current().runtime instanceof RuntimeServices services
                && services.ioDriver() instanceof IoDriver d) {
            return d;
        }
        throw new IllegalStateException("no Weft runtime on this thread: sockets are made and used inside a runtime"
                + " (in a task, or in a future run by Runtime.blockOn)");
    }

    /**
     * Registers {@code channel} (switching it to non-blocking mode) with no interest yet.
     *
     * @throws UncheckedIOException if the channel is closed or the driver shut down
     */
    public Registration register(SelectableChannel channel, int initialReadiness) {
        try {
            channel.configureBlocking(false);
            Registration r = new Registration(this, channel, initialReadiness);
            r.key = channel.register(selector, 0, r);
            return r;
        } catch (ClosedChannelException e) {
            throw new UncheckedIOException("cannot register a closed channel with the I/O driver", e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not register the channel with the I/O driver", e);
        } catch (java.nio.channels.ClosedSelectorException e) {
            throw new IllegalStateException("the runtime's I/O driver is shut down", e);
        }
    }

    int tick() {
        return tick;
    }

    @Override
    public boolean park(long nanos) {
        if (closed) {
            return Thread.interrupted();
        }
        int n;
        try {
            if (nanos == 0) {
                n = selector.selectNow();
            } else {
                selecting = true;
                try {
                    n = nanos < 0 ? selector.select() : selector.select(Math.max(1, (nanos + 999_999) / 1_000_000));
                } finally {
                    selecting = false;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the I/O driver's select failed", e);
        } catch (java.nio.channels.ClosedSelectorException e) {
            return Thread.interrupted();
        }
        wakeupPending.set(false);
        selects++;
        if (n > 0) {
            dispatch();
        }
        return Thread.interrupted();
    }

    private void dispatch() {
        int t = tick + 1;
        tick = t;
        Set<SelectionKey> ready = selector.selectedKeys();
        Iterator<SelectionKey> it = ready.iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            events++;
            Registration r = (Registration) key.attachment();
            int ops;
            try {
                ops = key.readyOps();
                key.interestOpsAnd(~ops);
            } catch (java.nio.channels.CancelledKeyException e) {
                ops = SelectionKey.OP_READ | SelectionKey.OP_WRITE; // closed: let every waiter see it
            }
            r.onEvent(ops, t);
        }
    }

    @Override
    public void unpark() {
        if (!wakeupPending.get() && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Wakes the selector if a thread is blocked in it, so an interest change just queued takes effect. */
    void wakeupIfSelecting() {
        if (selecting) {
            unpark();
        }
    }

    /** Whether a thread is blocked in {@code select} with no wake-up on its way; racy, for tests. */
    public boolean isParkedWithNoWakePending() {
        return selecting && !wakeupPending.get();
    }

    /** Selects done and events handed out since the driver was made; for tests and metrics. */
    public long[] counts() {
        return new long[] {selects, events};
    }

    /** Closes the selector and every channel still registered with it (the runtime is closing). */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (SelectionKey key : selector.keys()) {
                Registration r = (Registration) key.attachment();
                r.closeFromDriver();
            }
        } catch (java.nio.channels.ClosedSelectorException ignored) {
            // already closed
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to do: the runtime is going away
        }
    }
}
