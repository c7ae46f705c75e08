package dev.weft.io;

import dev.weft.internal.RuntimeServices;
import dev.weft.internal.ThreadContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A runtime's I/O drivers: one {@link IoDriver} per worker of a multi-thread runtime (Netty's choice,
 * measured against one per runtime in {@code docs/perf.md} §8), one for a current-thread runtime. Not
 * API: sockets reach it through the runtime they are made in.
 *
 * <p>A channel is registered with a driver only when an operation first has to wait for it
 * ({@link Registration}), and with the driver of the thread that waits: a connection accepted by one
 * worker and served by a task homed on another is watched by the second, so the task's own worker
 * selects for it and changes its interest without waking anyone. A thread that is not a worker (a
 * thread in {@code blockOn}, the blocking pool) gets the drivers in turn.
 *
 * <p>The reactor keeps every open registration, bound to a driver yet or not, so that closing the
 * runtime closes every socket still open.
 */
public final class Reactor {
    private final IoDriver[] drivers;
    private final Set<Registration> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger nextForOthers = new AtomicInteger();
    private volatile boolean closed;

    /** Opens {@code drivers} selectors. */
    public Reactor(int drivers) {
        if (drivers < 1) {
            throw new IllegalArgumentException("a reactor needs at least one driver, not " + drivers);
        }
        this.drivers = new IoDriver[drivers];
        for (int i = 0; i < drivers; i++) {
            this.drivers[i] = new IoDriver(this);
        }
    }

    /**
     * The reactor of the runtime on the current thread.
     *
     * @throws IllegalStateException outside a runtime
     */
    public static Reactor current() {
        if (ThreadContext.current().runtime instanceof RuntimeServices services
                && services.ioDriver() instanceof Reactor r) {
            return r;
        }
        throw new IllegalStateException("no Weft runtime on this thread: sockets are made and used inside a runtime"
                + " (in a task, or in a future run by Runtime.blockOn)");
    }

    /** Driver {@code i}: worker {@code i}'s, in a multi-thread runtime. */
    public IoDriver driver(int i) {
        return drivers[i];
    }

    /**
     * Switches {@code channel} to non-blocking mode and makes its registration, not yet bound to a
     * driver.
     *
     * @param initialReadiness the directions to try before the first event ({@link Registration#READ},
     *     {@link Registration#WRITE})
     * @throws IllegalStateException if the runtime is shut down
     * @throws UncheckedIOException if the channel cannot be made non-blocking (closed, for one)
     */
    public Registration register(SelectableChannel channel, int initialReadiness) {
        try {
            channel.configureBlocking(false);
        } catch (IOException e) {
            throw new UncheckedIOException("could not make the channel non-blocking for the I/O driver", e);
        }
        Registration r = new Registration(this, channel, initialReadiness);
        open.add(r);
        if (closed) {
            open.remove(r);
            throw new IllegalStateException("the runtime's I/O driver is shut down");
        }
        return r;
    }

    /** The driver an operation waiting on this thread registers with: its worker's, or the next in turn. */
    IoDriver driverForCurrentThread() {
        if (ThreadContext.current().ioDriver instanceof IoDriver d && d.reactor == this) {
            return d;
        }
        return drivers.length == 1 ? drivers[0]
                : drivers[Math.floorMod(nextForOthers.getAndIncrement(), drivers.length)];
    }

    /** A registration was closed by its owner. */
    void forget(Registration r) {
        open.remove(r);
    }

    /**
     * Summed over all drivers so far (racy): selects done, events handed out, and selector wake-ups
     * made so that an interest change from another thread took effect ({@link IoDriver#counts()}).
     */
    public long[] counts() {
        long[] sum = new long[3];
        for (IoDriver d : drivers) {
            long[] c = d.counts();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += c[i];
            }
        }
        return sum;
    }

    /** Closes every channel still open and every driver's selector (the runtime is closing). */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Registration r : open) {
            r.closeFromDriver();
        }
        open.clear();
        for (IoDriver d : drivers) {
            d.close();
        }
    }
}
