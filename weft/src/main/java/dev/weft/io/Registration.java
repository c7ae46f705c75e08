package dev.weft.io;

import dev.weft.Context;
import dev.weft.Coop;
import dev.weft.Future;
import dev.weft.Waker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;

/**
 * One channel's link to the {@link IoDriver}: its readiness and the operations waiting for it. The
 * sockets of {@code dev.weft.net} are built on it; it is public for them and for anyone wrapping
 * another {@link SelectableChannel} (Tokio's {@code AsyncFd}).
 *
 * <h2>The protocol an operation follows</h2>
 * <pre>{@code
 * public Object poll(Context cx) {
 *     while (true) {
 *         long ev = reg.pollReady(Registration.READ, waiter, cx);   // -1: not ready, waiter armed
 *         if (ev < 0) return PENDING;
 *         int n = channel.read(buf);
 *         if (n == 0) { reg.clearReadiness(ev); continue; }        // would block: arm and wait
 *         reg.done(waiter);
 *         return n;
 *     }
 * }
 * }</pre>
 *
 * <h2>Implementation overview</h2>
 * {@code state} packs the driver tick of the latest event (high 32 bits) with the readiness bits
 * ({@link #READ}, {@link #WRITE}, low bits). A channel starts ready in the directions it may be
 * (optimistic: the first read just tries, with no trip through the selector). The driver ORs in ready
 * bits with the new tick ({@link #onEvent}); an operation that hit "would block" clears its bit only if
 * the state still holds the snapshot it acted on ({@link #clearReadiness}), so an event that arrived
 * meanwhile is never erased. State changes are under {@code this}' monitor, together with the waiter
 * lists, which keeps the invariant simple: <em>a waiter is in its list only while its direction is not
 * ready and its interest is armed</em>. The driver sets the bit, takes the list and wakes it outside the
 * monitor; arming interest ({@code interestOpsOr}) happens under the monitor so it is never lost
 * between a clear and a re-arm. The selector's interest for a direction is cleared by the driver when
 * it delivers the event ({@link IoDriver}).
 */
public final class Registration {
    /** Readable (or acceptable): the read direction. */
    public static final int READ = 1;
    /** Writable (or connected): the write direction. */
    public static final int WRITE = 2;

    private final Reactor reactor;
    private final SelectableChannel channel;
    /** The driver watching the channel, and its key there; null until an operation first waits. */
    private IoDriver driver;
    private SelectionKey key;
    private long state;
    private List<Waiter> readers;
    private List<Waiter> writers;
    private boolean closed;
    /** Directions shut down on this side ({@link #shutdown}): their operations no longer wait. */
    private int shut;

    Registration(Reactor reactor, SelectableChannel channel, int initialReadiness) {
        this.reactor = reactor;
        this.channel = channel;
        this.state = initialReadiness;
    }

    /**
     * Makes {@code channel} non-blocking and registers it with the current runtime's I/O drivers. It is
     * watched by a driver only from the first operation that has to wait, by the driver of the worker
     * that operation runs on.
     *
     * @param initialReadiness the directions to try before the first event ({@link #READ}, {@link #WRITE}):
     *     both for a connected socket, none for one still connecting
     */
    public static Registration of(SelectableChannel channel, int initialReadiness) {
        return Reactor.current().register(channel, initialReadiness);
    }

    /** The driver watching this channel, or null before an operation first waited; for tests. */
    synchronized IoDriver boundDriver() {
        return driver;
    }

    /** The I/O drivers of the runtime this channel belongs to. */
    public Reactor reactor() {
        return reactor;
    }

    /** A pending operation's place in line; one per operation future, reused across its polls. */
    public static final class Waiter {
        Waker waker;
        boolean queued;
    }

    /**
     * If {@code direction} is ready, returns a snapshot to pass to {@link #clearReadiness} on "would
     * block". If not, records {@code cx}'s waker in {@code waiter}, arms the selector's interest and
     * returns -1: the caller returns pending. Also returns a snapshot (never -1) once the channel is
     * closed, so the operation runs and reports the closed channel.
     */
    public long pollReady(int direction, Waiter waiter, Context cx) {
        IoDriver d;
        synchronized (this) {
            if ((state & direction) != 0 || closed || (shut & direction) != 0) {
                return state;
            }
            try {
                if (key == null) {
                    IoDriver mine = reactor.driverForCurrentThread();
                    key = mine.registerKey(channel, this);
                    driver = mine;
                }
                key.interestOpsOr(interestFor(direction));
            } catch (CancelledKeyException | ClosedChannelException | ClosedSelectorException e) {
                closed = true; // closed meanwhile: the operation runs and reports it
                return state;
            }
            waiter.waker = cx.waker();
            if (!waiter.queued) {
                waiter.queued = true;
                list(direction).add(waiter);
            }
            d = driver;
        }
        d.wakeupIfSelecting();
        return -1;
    }

    /**
     * Clears the readiness the operation acted on after it hit "would block", unless a newer event
     * arrived meanwhile (then the caller simply tries again).
     */
    public synchronized void clearReadiness(long snapshot, int direction) {
        if (state == snapshot) {
            state &= ~direction;
        }
    }

    /** The operation finished or was cancelled: takes its waiter out of line. */
    public synchronized void done(Waiter waiter, int direction) {
        if (waiter.queued) {
            waiter.queued = false;
            list(direction).remove(waiter);
        }
        waiter.waker = null;
    }

    private List<Waiter> list(int direction) {
        if (direction == READ) {
            if (readers == null) {
                readers = new ArrayList<>(2);
            }
            return readers;
        }
        if (writers == null) {
            writers = new ArrayList<>(2);
        }
        return writers;
    }

    private int interestFor(int direction) {
        int valid = channel.validOps();
        if (direction == READ) {
            return valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        }
        return valid & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT);
    }

    /** From the driver: {@code ops} (selection-key bits) are ready as of {@code tick}. */
    void onEvent(int ops, int tick) {
        int dirs = 0;
        if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            dirs |= READ;
        }
        if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            dirs |= WRITE;
        }
        wakeAll(dirs, tick, false);
    }

    /** The runtime is closing: closes the channel and wakes every waiter, which then sees it closed. */
    void closeFromDriver() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        closed();
    }

    /**
     * One direction of the channel was shut down by its owner ({@code shutdownInput}): wakes that
     * direction's waiters, and its operations no longer wait (they report the end or the error).
     */
    public void shutdown(int direction) {
        IoDriver d;
        synchronized (this) {
            shut |= direction;
            d = driver;
        }
        wakeAll(direction, d != null ? d.tick() : 0, false);
    }

    /** The owner closed the channel: wakes every waiter so none waits forever. */
    public void closed() {
        IoDriver d;
        synchronized (this) {
            d = driver;
        }
        wakeAll(READ | WRITE, d != null ? d.tick() : 0, true);
    }

    private void wakeAll(int dirs, int tick, boolean close) {
        Waker[] toWake;
        synchronized (this) {
            if (close) {
                closed = true;
            }
            state = ((long) tick << 32) | (state & (READ | WRITE)) | dirs;
            toWake = take((dirs & READ) != 0 ? readers : null, (dirs & WRITE) != 0 ? writers : null);
        }
        if (toWake != null) {
            for (Waker w : toWake) {
                w.wake();
            }
        }
    }

    private static Waker[] take(List<Waiter> a, List<Waiter> b) {
        int n = (a != null ? a.size() : 0) + (b != null ? b.size() : 0);
        if (n == 0) {
            return null;
        }
        Waker[] out = new Waker[n];
        int i = drain(a, out, 0);
        drain(b, out, i);
        return out;
    }

    private static int drain(List<Waiter> list, Waker[] out, int i) {
        if (list != null) {
            for (Waiter w : list) {
                w.queued = false;
                out[i++] = w.waker;
            }
            list.clear();
        }
        return i;
    }

    /** A non-blocking attempt at an operation: its result, or null for "would block". */
    @FunctionalInterface
    public interface IoCall {
        Object call() throws IOException;
    }

    /**
     * Runs {@code call} when {@code direction} is ready, as many times as it takes: the whole protocol of
     * the class overview in one method. Returns the call's result, or {@link Future#PENDING} with the
     * waiter armed. Spends one unit of the cooperative budget. An {@link IOException} is thrown as an
     * {@link UncheckedIOException} that names the operation and the channel.
     *
     * @param op names the operation for error messages ("read", "accept")
     */
    public Object pollIo(int direction, Waiter waiter, Context cx, String op, IoCall call) {
        if (!Coop.proceed(cx)) {
            return Future.PENDING;
        }
        while (true) {
            long ev = pollReady(direction, waiter, cx);
            if (ev < 0) {
                Coop.refund();
                return Future.PENDING;
            }
            Object r;
            try {
                r = call.call();
            } catch (IOException e) {
                done(waiter, direction);
                throw failure(op, e);
            }
            if (r != null) {
                done(waiter, direction);
                return r;
            }
            clearReadiness(ev, direction);
        }
    }

    /** An {@link UncheckedIOException} that says which operation on which channel failed, and why. */
    public UncheckedIOException failure(String op, IOException e) {
        String why = e instanceof ClosedChannelException ? "the socket is closed"
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return new UncheckedIOException(op + " on " + channel + " failed: " + why, e);
    }

    /** Whether this channel was closed (by its owner or by the runtime). */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Deregisters and closes the channel; wakes every waiter. Idempotent. */
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            // NIO cancels the key but closes the socket itself only when the selector next drops
            // cancelled keys: a selector blocked in select would keep the connection open (the peer
            // sees no FIN or RST) until something else woke it. So wake it now.
            IoDriver d;
            synchronized (this) {
                d = driver;
            }
            if (d != null) {
                d.wakeupIfSelecting();
            }
            reactor.forget(this);
            closed();
        }
    }
}
