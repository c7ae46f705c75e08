package dev.weft.sync;

import dev.weft.Future;
import java.util.Optional;

/**
 * An async mutual-exclusion lock around a value, for a critical section that awaits: a task waiting
 * for it suspends (its worker runs other tasks), and the holder may await while it holds it. Fair:
 * waiters get the lock in the order they asked (a {@link Semaphore} of one permit underneath).
 *
 * <pre>{@code
 * Mutex<Connection> conn = new Mutex<>(open());
 * try (Mutex.Guard<Connection> g = conn.lock().await()) {
 *     g.get().send(request).await();         // held across the await: that is what this lock is for
 *     reply = g.get().receive().await();
 * }
 * }</pre>
 *
 * <p>For a short critical section with no await inside, a plain {@code java.util.concurrent} lock (or
 * {@code synchronized}) is cheaper and right; holding one of those across an await is a bug that
 * Weft's lock detector reports. The guard is owned by the task, not the thread, so it may be released
 * on another thread after the task moved.
 *
 * <p>Cost: as {@link Semaphore}: one lock acquisition to lock and one to unlock, uncontended.
 */
public final class Mutex<T> {
    private final Semaphore semaphore = new Semaphore(1);
    private T value;

    /** A mutex holding {@code value} (may be null). */
    public Mutex(T value) {
        this.value = value;
    }

    /**
     * A future of the lock. <b>Cancel safety:</b> cancel-safe: a cancelled lock leaves the queue, and if
     * the lock had just been handed to it, passes it on to the next waiter.
     */
    public Future<Guard<T>> lock() {
        return semaphore.acquire().map(p -> new Guard<>(this, p));
    }

    /** The lock if it is free now (and nobody waits); empty otherwise. Never waits. */
    public Optional<Guard<T>> tryLock() {
        return semaphore.tryAcquire().map(p -> new Guard<>(this, p));
    }

    /** Whether the lock is held now (racy: for tests and diagnostics). */
    public boolean isLocked() {
        return semaphore.availablePermits() == 0;
    }

    /**
     * Exclusive access to a {@link Mutex}'s value until {@link #close()}. Reads and writes through the
     * guard see every write made under earlier guards (the lock's release and acquire order them).
     */
    public static final class Guard<T> implements AutoCloseable {
        private final Mutex<T> mutex;
        private final Semaphore.Permit permit;

        Guard(Mutex<T> mutex, Semaphore.Permit permit) {
            this.mutex = mutex;
            this.permit = permit;
        }

        /** The value. */
        public T get() {
            check();
            return mutex.value;
        }

        /** Replaces the value. */
        public void set(T value) {
            check();
            mutex.value = value;
        }

        private void check() {
            if (permit.count() == 0) {
                throw new IllegalStateException("this guard was closed: the mutex is no longer held through it");
            }
        }

        /** Unlocks; the next waiter gets the lock. Idempotent. */
        @Override
        public void close() {
            permit.close();
        }
    }
}
