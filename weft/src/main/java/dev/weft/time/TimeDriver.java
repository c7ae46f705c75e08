package dev.weft.time;

import dev.weft.Waker;
import dev.weft.internal.Park;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The time layer of a runtime's park stack (DESIGN.md section 3): owns the runtime's
 * {@link TimerWheel}, fires due timers whenever it is parked or polled, and parks the layer below no
 * longer than until the next timer. Not API: the runtime builds one and the time futures register
 * with it.
 *
 * <p>Time is counted in ticks of 1 ms from the driver's origin. A deadline is rounded up to a tick, so
 * a timer never fires early; now is rounded down.
 *
 * <p>Threads: any thread registers and cancels timers; one thread at a time parks in the driver (the
 * runtime makes sure). A lock guards the wheel. Wakers of due timers are called after the lock is
 * released, since waking a task may take other locks. A timer registered earlier than the deadline
 * the parked thread sleeps until unparks it, so the new timer is not missed.
 */
public final class TimeDriver implements Park {
    private static final long NANOS_PER_TICK = 1_000_000;
    private static final long NOT_PARKED = -1;

    private final Park inner;
    private final LongSupplier nanoClock;
    private final long origin;
    private final ReentrantLock lock = new ReentrantLock();
    private final TimerWheel wheel = new TimerWheel();
    /** Timers found due under the lock, to be woken after it is released. Guarded by the lock. */
    private final List<Timer> due = new ArrayList<>();
    /** The tick the thread parked here wakes at by itself; {@code Long.MAX_VALUE}: never; or NOT_PARKED. */
    private long parkedUntil = NOT_PARKED;

    /** A driver over {@code inner} (the next layer down) reading time from {@code nanoClock}. */
    public TimeDriver(Park inner, LongSupplier nanoClock) {
        this.inner = inner;
        this.nanoClock = nanoClock;
        this.origin = nanoClock.getAsLong();
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
        return Math.floorDiv(nanoClock.getAsLong() - origin, NANOS_PER_TICK);
    }

    /** The tick of a deadline given on the {@code nanoClock} scale, rounded up. */
    public long tickFor(long deadlineNanos) {
        return Math.ceilDiv(deadlineNanos - origin, NANOS_PER_TICK);
    }

    /**
     * Adds {@code timer} to fire at {@code deadlineTick}. Returns false, registering nothing, if that
     * tick has already come: the caller is ready at once. Any thread.
     */
    public boolean register(Timer timer, long deadlineTick) {
        boolean unparkDriver;
        lock.lock();
        try {
            advanceLocked();
            timer.driver = this;
            if (!wheel.insert(timer, deadlineTick)) {
                return false;
            }
            unparkDriver = parkedUntil != NOT_PARKED && deadlineTick < parkedUntil;
        } finally {
            lock.unlock();
            wakeDue();
        }
        if (unparkDriver) {
            inner.unpark(); // the parked thread sleeps past this timer: wake it to re-plan
        }
        return true;
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

    @Override
    public boolean park(long nanos) {
        long timeout;
        lock.lock();
        try {
            advanceLocked();
            long wake = wheel.nextWake();
            if (nanos == 0) {
                timeout = 0;
            } else {
                long untilWake = wake < 0 ? -1 : Math.max(0, origin + wake * NANOS_PER_TICK - nanoClock.getAsLong());
                timeout = nanos < 0 ? untilWake : untilWake < 0 ? nanos : Math.min(nanos, untilWake);
                parkedUntil = wake < 0 ? Long.MAX_VALUE : wake;
            }
        } finally {
            lock.unlock();
            wakeDue();
        }
        boolean interrupted = inner.park(timeout);
        lock.lock();
        try {
            parkedUntil = NOT_PARKED;
            advanceLocked();
        } finally {
            lock.unlock();
            wakeDue();
        }
        return interrupted;
    }

    @Override
    public void unpark() {
        inner.unpark();
    }

    private void advanceLocked() {
        wheel.advance(nowTick());
    }

    /** Wakes the timers found due; called without the lock. */
    private void wakeDue() {
        List<Timer> toWake;
        lock.lock();
        try {
            if (due.isEmpty()) {
                return;
            }
            toWake = new ArrayList<>(due);
            due.clear();
        } finally {
            lock.unlock();
        }
        for (Timer t : toWake) {
            t.wakeNow();
        }
    }
}
