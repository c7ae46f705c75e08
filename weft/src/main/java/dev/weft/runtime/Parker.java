package dev.weft.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Parks the thread that drives a runtime until another thread has work for it.
 *
 * <p>States: EMPTY, PARKED (the owner is, or is about to be, in {@code LockSupport.park}), NOTIFIED (an
 * unpark arrived that the owner has not consumed). A producer publishes its work first, then calls
 * {@link #unpark()}; the owner consumes NOTIFIED before checking its queues again, so a wake-up that
 * lands between the owner's last check and its park is never lost.
 */
final class Parker {
    private static final int EMPTY = 0;
    private static final int PARKED = 1;
    private static final int NOTIFIED = 2;

    private final AtomicInteger state = new AtomicInteger(EMPTY);
    private volatile Thread owner;

    /**
     * Parks the calling thread until {@link #unpark()} or until {@code nanos} pass (0: no limit).
     * An interrupt does not end the park (it would make every later park return at once): it is
     * cleared, and reported by the return value so the caller can restore it.
     *
     * @return whether the thread was interrupted while parked
     */
    boolean park(long nanos) {
        if (state.compareAndSet(NOTIFIED, EMPTY)) {
            return false;
        }
        owner = Thread.currentThread();
        if (!state.compareAndSet(EMPTY, PARKED)) {
            state.set(EMPTY); // it was NOTIFIED in between
            return false;
        }
        boolean interrupted = false;
        long deadline = nanos > 0 ? System.nanoTime() + nanos : 0;
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

    /** Wakes the owner if it is parked, or makes its next park return at once. Any thread. */
    void unpark() {
        if (state.getAndSet(NOTIFIED) == PARKED) {
            LockSupport.unpark(owner);
        }
    }
}
