package dev.weft.runtime;

import dev.weft.internal.ThreadContext;
import dev.weft.time.TimeDriver;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link Schedule} of a {@code blockOn} root on a multi-thread runtime: the root future runs on the
 * calling thread (which is its home), and a wake just unparks that thread. One task, one thread.
 * Like a worker, the waiting thread spins briefly before it parks: a reply that comes back from a
 * worker within microseconds (a request sent to a task, answered on a oneshot) then costs neither
 * side a trip through the OS scheduler.
 *
 * <p>For a paused clock's auto-advance the thread counts in {@code roots.active} while it runs and in
 * {@code roots.waiting} while it waits; whoever wakes a waiting root moves it back to active (claiming
 * {@link #waiting}), so there is no moment between the wake and the thread running when the runtime
 * looks idle.
 */
final class RootSchedule implements Schedule {
    private static final VarHandle WAITING;

    static {
        try {
            WAITING = MethodHandles.lookup().findVarHandle(RootSchedule.class, "waiting", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ThreadPark park = new ThreadPark();
    private final RootCounts roots;
    private final TimeDriver time;
    private volatile Task<?> ready;
    @SuppressWarnings("unused") // through WAITING
    private volatile boolean waiting;

    /** How many blockOn threads run their future now, and how many wait for it. */
    static final class RootCounts {
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger waiting = new AtomicInteger();
    }

    RootSchedule(RootCounts roots, TimeDriver time) {
        this.roots = roots;
        this.time = time;
    }

    @Override
    public void schedule(Task<?> task) {
        ready = task;
        claimWaiting();
        park.unpark();
    }

    /** Ends the root thread's wait, counting it busy again; only the first of racing callers does. */
    private void claimWaiting() {
        if (waiting && WAITING.compareAndSet(this, true, false)) {
            roots.active.incrementAndGet(); // active first: never a moment of neither
            roots.waiting.decrementAndGet();
        }
    }

    @Override
    public void scheduleBack(Task<?> task) {
        schedule(task);
    }

    @Override
    public Object homeHere(Task<?> task) {
        return null; // the root only ever runs on the blockOn thread
    }

    /** Runs the root on the calling thread until it completes. */
    void drive(Task<?> root, ThreadContext tc) {
        boolean interrupted = false;
        long outerClock = tc.recentNanos;
        tc.recentNanos = System.nanoTime(); // the spawn clock, kept fresh while this thread drives
        roots.active.incrementAndGet();
        try {
            root.run(tc);
            while (!root.isComplete()) {
                Task<?> t = ready;
                if (t != null) {
                    ready = null;
                    t.run(tc);
                    continue;
                }
                waiting = true;
                roots.waiting.incrementAndGet();
                roots.active.decrementAndGet();
                if (ready == null && !time.autoAdvanceIfIdle()) {
                    interrupted |= park.parkAfterSpin(Worker.SPIN_BEFORE_PARK_NANOS);
                    tc.recentNanos = System.nanoTime();
                }
                claimWaiting(); // unless a waker did already
            }
        } finally {
            tc.recentNanos = outerClock;
            roots.active.decrementAndGet();
            time.autoAdvanceIfIdle(); // leaving may be what makes the runtime idle (another thread waits)
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
