package dev.weft.runtime;

import dev.weft.internal.Park;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The bottom layer of the park stack: parks the calling thread until another thread unparks it.
 *
 * <p>States: EMPTY, PARKED (the owner is, or is about to be, in {@code LockSupport.park}), NOTIFIED (an
 * unpark arrived that the owner has not consumed). A producer publishes its work first, then calls
 * {@link #unpark()}; the owner consumes NOTIFIED before checking its queues again, so a wake-up that
 * lands between the owner's last check and its park is never lost.
 */
final class ThreadPark implements Park {
    private static final int EMPTY = 0;
    private static final int PARKED = 1;
    private static final int NOTIFIED = 2;

    private final AtomicInteger state = new AtomicInteger(EMPTY);
    private volatile Thread owner;

    /**
     * Parks the calling thread until {@link #unpark()} or until {@code nanos} pass ({@code < 0}: no
     * limit, {@code 0}: consume a pending unpark and return). An interrupt does not end the park (it
     * would make every later park return at once): it is cleared, and reported by the return value so
     * the caller can restore it.
     */
    @Override
    public boolean park(long nanos) {
        if (state.compareAndSet(NOTIFIED, EMPTY) || nanos == 0) {
            return false;
        }
        owner = Thread.currentThread();
        if (!state.compareAndSet(EMPTY, PARKED)) {
            state.set(EMPTY); // it was NOTIFIED in between
            return false;
        }
        boolean interrupted = false;
        long deadline = System.nanoTime() + nanos;
        while (true) {
            if (nanos > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                LockSupport.parkNanos(this, left);
            } else {
                LockSupport.park(this);
            }
            interrupted |= Thread.interrupted();
            if (state.get() == NOTIFIED) {
                break;
            }
        }
        state.set(EMPTY);
        return interrupted;
    }

    /** Whether the owner is parked (or about to park) with no unpark pending; racy, for tests. */
    boolean isParkedWithNoWakePending() {
        return state.get() == PARKED;
    }

    /**
     * Spins for up to {@code spinNanos} waiting for an unpark, then parks without a limit if none came.
     * A worker that is woken within the spin costs its waker no system call and itself no trip
     * through the OS scheduler (tens of microseconds on a virtual machine, against ~0.1 µs).
     */
    boolean parkAfterSpin(long spinNanos) {
        return spinForUnpark(spinNanos) ? false : park(-1);
    }

    /**
     * Spins for up to {@code spinNanos} waiting for an unpark; returns true (having consumed it) if one
     * came, false if the time ran out.
     */
    boolean spinForUnpark(long spinNanos) {
        long deadline = System.nanoTime() + spinNanos;
        for (int i = 1; ; i++) {
            if (state.get() == NOTIFIED) {
                state.set(EMPTY); // only unpark() writes NOTIFIED, and only the owner clears it
                return true;
            }
            Thread.onSpinWait();
            if ((i & 63) == 0 && System.nanoTime() - deadline > 0) {
                return false;
            }
        }
    }

    /** Consumes a pending unpark without parking; returns whether there was one. */
    boolean tryConsumeUnpark() {
        return state.compareAndSet(NOTIFIED, EMPTY);
    }

    /** Wakes the owner if it is parked, or makes its next park return at once. Any thread. */
    @Override
    public void unpark() {
        if (state.getAndSet(NOTIFIED) == PARKED) {
            LockSupport.unpark(owner);
        }
    }
}
