package dev.weft.time;

import dev.weft.Waker;
import dev.weft.internal.Park;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The time layer of a runtime's park stack (DESIGN.md section 3): owns the runtime's
 * {@link TimerWheel} and {@link Clock}, fires due timers whenever it is parked or polled, and parks
 * the layer below no longer than until the next timer. Not API: the runtime builds one and the time
 * futures register with it.
 *
 * <p>Time is counted in ticks of 1 ms from the driver's origin. A deadline is rounded up to a tick, so
 * a timer never fires early; now is rounded down.
 *
 * <p>Threads: any thread registers and cancels timers; one thread at a time parks in the driver (the
 * runtime makes sure). A lock guards the wheel. Wakers of due timers are called after the lock is
 * released, since waking a task may take other locks. A timer registered earlier than the deadline
 * the parked thread sleeps until unparks it, so the new timer is not missed.
 *
 * <p>A park that fires timers returns without parking the layer below: the tasks it woke may be
 * queued on the parking thread itself, which must look at its queues again.
 *
 * <p>Paused clock: parks ignore the wheel (real time does not move the clock), and the runtime calls
 * {@link #autoAdvanceIfIdle()} whenever one of its threads runs out of work.
 */
public final class TimeDriver implements Park {
    private static final long NANOS_PER_TICK = 1_000_000;
    private static final long NOT_PARKED = -1;
    /** {@link #parkedUntil} of a thread parked on a paused clock: no new timer needs to wake it. */
    private static final long PARKED_PAUSED = Long.MIN_VALUE;

    private final Park inner;
    private final Clock clock;
    private final long origin;
    private final ReentrantLock lock = new ReentrantLock();
    private final TimerWheel wheel = new TimerWheel();
    /** Timers found due under the lock, to be woken after it is released. Guarded by the lock. */
    private List<Timer> due = new ArrayList<>();
    /** Batches of due timers taken but not yet all woken: the runtime is not idle while there are any. */
    private final AtomicInteger wakingBatches = new AtomicInteger();
    /** The tick the thread parked here wakes at by itself; {@code Long.MAX_VALUE}: never; or NOT_PARKED. */
    private long parkedUntil = NOT_PARKED;
    /** Registrations that took a wheel slot, ever (guarded by the lock; for tests and stats). */
    private long registrations;
    private BooleanSupplier runtimeIdle = () -> false;

    /** A driver over {@code inner} (the next layer down) reading time from {@code nanoClock}. */
    public TimeDriver(Park inner, LongSupplier nanoClock) {
        this(inner, nanoClock, false, true);
    }

    /**
     * A driver over {@code inner} with a clock on {@code nanoClock}, paused from the start if
     * {@code startPaused}, auto-advancing when paused if {@code autoAdvance}.
     */
    public TimeDriver(Park inner, LongSupplier nanoClock, boolean startPaused, boolean autoAdvance) {
        this.inner = inner;
        this.clock = new Clock(nanoClock, startPaused, autoAdvance);
        this.origin = clock.nanos();
        clock.attach(this);
    }

    /**
     * Tells the driver how to ask whether its runtime is idle (no work ready or running anywhere, the
     * blocking pool empty), for auto-advance. Called once, by the runtime, before it starts.
     */
    public void setIdleProbe(BooleanSupplier runtimeIdle) {
        this.runtimeIdle = runtimeIdle;
    }

    /** The clock timers run on. */
    public Clock clock() {
        return clock;
    }

    /** One timer's place in the wheel; made by a timer future, registered on its first pending poll. */
    public static final class Timer extends TimerWheel.Entry {
        private volatile Waker waker;
        private volatile boolean fired;
        private TimeDriver driver;

        /** Whether the deadline has come. */
        public boolean hasFired() {
            return fired;
        }

        /** The waker to call when it fires; replaced on each poll (the future may change owners). */
        public void setWaker(Waker waker) {
            this.waker = waker;
        }

        @Override
        void fire() {
            driver.due.add(this); // under the driver's lock; woken after it
        }

        void wakeNow() {
            fired = true;
            Waker w = waker;
            if (w != null) {
                w.wake();
            }
        }
    }

    /** The current tick (whole milliseconds since the origin, rounded down). */
    public long nowTick() {
        return Math.floorDiv(clock.nanos() - origin, NANOS_PER_TICK);
    }

    /** The tick of a deadline given on the clock's scale, rounded up. */
    public long tickFor(long deadlineNanos) {
        return Math.ceilDiv(deadlineNanos - origin, NANOS_PER_TICK);
    }

    /**
     * Adds {@code timer} to fire at {@code deadlineTick}. Returns false, registering nothing, if that
     * tick has already come: the caller is ready at once. Any thread.
     */
    public boolean register(Timer timer, long deadlineTick) {
        boolean unparkDriver;
        boolean inserted;
        List<Timer> batch;
        lock.lock();
        try {
            advanceLocked();
            batch = takeDueLocked();
            timer.driver = this;
            inserted = wheel.insert(timer, deadlineTick);
            if (!inserted) {
                unparkDriver = false;
            } else {
                registrations++;
                unparkDriver = parkedUntil != NOT_PARKED && deadlineTick < parkedUntil;
            }
        } finally {
            lock.unlock();
        }
        wake(batch);
        if (unparkDriver) {
            inner.unpark(); // the parked thread sleeps past this timer: wake it to re-plan
        }
        return inserted;
    }

    /** Takes {@code timer} out of the wheel, if it is there. Any thread. */
    public void cancel(Timer timer) {
        lock.lock();
        try {
            wheel.remove(timer);
        } finally {
            lock.unlock();
        }
    }

    /** How many timers are waiting. */
    public int pending() {
        lock.lock();
        try {
            return wheel.size();
        } finally {
            lock.unlock();
        }
    }

    /** How many registrations have taken a wheel slot since the driver was made. */
    public long registrations() {
        lock.lock();
        try {
            return registrations;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean park(long nanos) {
        long timeout;
        List<Timer> batch;
        lock.lock();
        try {
            advanceLocked();
            batch = takeDueLocked();
            if (batch != null || nanos == 0) {
                timeout = 0; // timers fired: the caller looks for the work they made before parking
            } else if (clock.isPaused()) {
                timeout = nanos; // real time does not move a paused clock: only an unpark ends this
                parkedUntil = PARKED_PAUSED;
            } else {
                long wake = wheel.nextWake();
                long untilWake = wake < 0 ? -1 : Math.max(0, origin + wake * NANOS_PER_TICK - clock.nanos());
                timeout = nanos < 0 ? untilWake : untilWake < 0 ? nanos : Math.min(nanos, untilWake);
                parkedUntil = wake < 0 ? Long.MAX_VALUE : wake;
            }
        } finally {
            lock.unlock();
        }
        if (batch != null) {
            wake(batch);
            return false;
        }
        boolean interrupted = inner.park(timeout);
        if (timeout != 0) {
            lock.lock();
            try {
                parkedUntil = NOT_PARKED;
                advanceLocked();
                batch = takeDueLocked();
            } finally {
                lock.unlock();
            }
            wake(batch);
        }
        return interrupted;
    }

    @Override
    public void unpark() {
        inner.unpark();
    }

    /**
     * If the clock is paused with auto-advance on and the runtime is idle, moves the clock to the next
     * timer (past wheel boundaries that fire nothing) and fires what falls due. Returns whether it woke
     * any timer: then the caller looks for work again instead of parking. Cheap when the clock runs.
     */
    public boolean autoAdvanceIfIdle() {
        if (!clock.isPaused() || !clock.isAutoAdvance()) {
            return false;
        }
        List<Timer> batch;
        lock.lock();
        try {
            if (!clock.isPaused() || wakingBatches.get() > 0 || !runtimeIdle.getAsBoolean()) {
                return false;
            }
            advanceLocked();
            while (due.isEmpty()) {
                long next = wheel.nextWake();
                if (next < 0) {
                    break; // no timers at all: nothing will ever move an idle paused runtime
                }
                clock.jumpTo(origin + next * NANOS_PER_TICK);
                advanceLocked();
            }
            batch = takeDueLocked();
        } finally {
            lock.unlock();
        }
        wake(batch);
        return batch != null;
    }

    /** Runs {@code change} to the paused clock under the lock, then fires what fell due. */
    void advancePaused(Runnable change) {
        List<Timer> batch;
        lock.lock();
        try {
            change.run();
            advanceLocked();
            batch = takeDueLocked();
        } finally {
            lock.unlock();
        }
        wake(batch);
    }

    void withLock(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    /** Unparks the thread parked in this driver, if any, so it looks at the clock again. */
    void wakeParked() {
        inner.unpark();
    }

    private void advanceLocked() {
        wheel.advance(nowTick());
    }

    /** The due timers, handed over to be woken outside the lock; null if none. */
    private List<Timer> takeDueLocked() {
        if (due.isEmpty()) {
            return null;
        }
        List<Timer> batch = due;
        due = new ArrayList<>();
        wakingBatches.incrementAndGet();
        return batch;
    }

    /** Wakes a batch of due timers; called without the lock. */
    private void wake(List<Timer> batch) {
        if (batch == null) {
            return;
        }
        try {
            for (Timer t : batch) {
                t.wakeNow();
            }
        } finally {
            wakingBatches.decrementAndGet(); // a release: what the wakes queued is visible to the idle probe
        }
    }

    /** {@code duration} in nanoseconds, saturating at about 292 years. */
    static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
