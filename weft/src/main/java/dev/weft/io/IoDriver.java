package dev.weft.io;

import dev.weft.internal.Park;
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
 * into wake-ups of the tasks waiting on sockets. Not API: a runtime's {@link Reactor} makes one per
 * worker (one in all for a current-thread runtime); each sits at the bottom of its worker's park stack,
 * and the worker that holds the time driver parks in its own I/O driver through it.
 *
 * <h2>Implementation overview</h2>
 * <ul>
 *   <li><b>Parking.</b> {@link #park(long)} is a {@code select} with the caller's timeout (the time
 *       driver above passes the next timer's deadline), or {@code selectNow} for a zero timeout. Then,
 *       for each ready key, it hands the ready operations to the key's {@link Registration}, which
 *       records them and wakes its waiters. Only the driver's own thread parks here (its worker, or the
 *       current-thread runtime's one thread); it is the only reader of the selected-key set.</li>
 *   <li><b>Interest is cleared when its event is taken</b> ({@code interestOpsAnd}), and set again only
 *       by an operation that hit "would block" ({@link Registration}). NIO's selector is
 *       level-triggered: interest left on for a socket under backpressure (writable interest on a full
 *       send buffer is fine, but readable interest on data that nobody reads is not) would return from
 *       every {@code select} at once and spin the driver.</li>
 *   <li><b>Cross-thread interest changes wake the selector.</b> A channel is registered with the
 *       driver of the worker its waiting task runs on, so most interest changes are made by the
 *       selecting thread itself, between selects, and cost no wake-up. For the rest, NIO queues an {@code interestOps}
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
    final Reactor reactor;
    private final Selector selector;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private volatile boolean selecting;
    private volatile boolean closed;
    /** Parks that delivered events; written by the parking thread only. */
    private volatile int tick;
    private long selects;
    private long events;
    /** How many keys the last select (blocking or not) delivered; the parking thread's own. */
    private int lastEvents;
    /** Wake-ups made so that another thread's interest change took effect; racy. */
    private long interestWakeups;

    /** Opens a selector, one of {@code reactor}'s drivers. */
    IoDriver(Reactor reactor) {
        this.reactor = reactor;
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the I/O driver's selector (out of file descriptors?)", e);
        }
    }

    /**
     * Registers {@code channel} (already non-blocking) with this driver's selector, with no interest yet.
     *
     * @throws ClosedChannelException if the channel was closed
     * @throws java.nio.channels.ClosedSelectorException if the driver was shut down
     */
    SelectionKey registerKey(SelectableChannel channel, Registration r) throws ClosedChannelException {
        return channel.register(selector, 0, r);
    }

    int tick() {
        return tick;
    }

    @Override
    public boolean park(long nanos) {
        select(nanos);
        return Thread.interrupted();
    }

    /**
     * A {@code selectNow} for the driver's own thread: dispatches what is ready and returns whether
     * anything was.
     */
    public boolean pollNow() {
        return select(0) > 0;
    }

    /** Selects (no limit if {@code nanos < 0}, none if 0), dispatches the events, returns how many. */
    private int select(long nanos) {
        if (closed) {
            return 0;
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
            return 0;
        }
        if (wakeupPending.get()) {
            wakeupPending.set(false); // this select consumed any wake-up made before it returned
        }
        selects++;
        lastEvents = n;
        if (n > 0) {
            dispatch();
        }
        return n;
    }

    /** How many channels this driver's last select found ready. For the parking thread only. */
    public int lastSelectEvents() {
        return lastEvents;
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
            interestWakeups++; // racy count, for tests and metrics: only ever paid on this slow path
            unpark();
        }
    }

    /** Whether a thread is blocked in {@code select} with no wake-up on its way; racy, for tests. */
    public boolean isParkedWithNoWakePending() {
        return selecting && !wakeupPending.get();
    }

    /**
     * Selects done, events handed out, and wake-ups made for another thread's interest change, since
     * the driver was made (racy reads); for tests and metrics.
     */
    public long[] counts() {
        return new long[] {selects, events, interestWakeups};
    }

    /** Closes the selector (the runtime is closing; its {@link Reactor} closed the channels). */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to do: the runtime is going away
        }
    }
}
