package dev.weft.sync;

import dev.weft.Future;
import java.util.Optional;

/**
 * An async reader-writer lock around a value: many readers at once, or one writer. Fair: requests
 * are served in the order they were made, so a waiting writer is not starved by a stream of readers
 * (readers that ask after it wait behind it). Built, as Tokio's, on a fair {@link Semaphore}: a read
 * takes one permit, a write takes them all.
 *
 * <pre>{@code
 * RwLock<Config> config = new RwLock<>(load());
 * try (RwLock.ReadGuard<Config> r = config.read().await()) { use(r.get()); }
 * try (RwLock.WriteGuard<Config> w = config.write().await()) { w.set(reload().await()); }
 * }</pre>
 *
 * <p>Both acquisitions are cancel-safe (see {@link Semaphore#acquire(int)}). Cost: as the semaphore's,
 * one lock acquisition to take and one to release.
 */
public final class RwLock<T> {
    /** How many readers may hold the lock at once. */
    public static final int MAX_READERS = Semaphore.MAX_PERMITS;

    private final Semaphore semaphore = new Semaphore(MAX_READERS);
    private volatile T value;

    /** A lock holding {@code value} (may be null). */
    public RwLock(T value) {
        this.value = value;
    }

    /** A future of shared (read) access. <b>Cancel safety:</b> cancel-safe. */
    public Future<ReadGuard<T>> read() {
        return semaphore.acquire(1).map(p -> new ReadGuard<>(this, p));
    }

    /** A future of exclusive (write) access. <b>Cancel safety:</b> cancel-safe. */
    public Future<WriteGuard<T>> write() {
        return semaphore.acquire(MAX_READERS).map(p -> new WriteGuard<>(this, p));
    }

    /** Read access if available now (no writer holds or waits for it); empty otherwise. */
    public Optional<ReadGuard<T>> tryRead() {
        return semaphore.tryAcquire(1).map(p -> new ReadGuard<>(this, p));
    }

    /** Write access if nobody holds or waits for the lock now; empty otherwise. */
    public Optional<WriteGuard<T>> tryWrite() {
        return semaphore.tryAcquire(MAX_READERS).map(p -> new WriteGuard<>(this, p));
    }

    /** Shared access to a {@link RwLock}'s value until {@link #close()}. */
    public static final class ReadGuard<T> implements AutoCloseable {
        private final RwLock<T> lock;
        private final Semaphore.Permit permit;

        ReadGuard(RwLock<T> lock, Semaphore.Permit permit) {
            this.lock = lock;
            this.permit = permit;
        }

        /** The value. */
        public T get() {
            if (permit.count() == 0) {
                throw new IllegalStateException("this read guard was closed");
            }
            return lock.value;
        }

        /** Releases the read access. Idempotent. */
        @Override
        public void close() {
            permit.close();
        }
    }

    /** Exclusive access to a {@link RwLock}'s value until {@link #close()}. */
    public static final class WriteGuard<T> implements AutoCloseable {
        private final RwLock<T> lock;
        private final Semaphore.Permit permit;

        WriteGuard(RwLock<T> lock, Semaphore.Permit permit) {
            this.lock = lock;
            this.permit = permit;
        }

        /** The value. */
        public T get() {
            check();
            return lock.value;
        }

        /** Replaces the value. */
        public void set(T value) {
            check();
            lock.value = value;
        }

        private void check() {
            if (permit.count() == 0) {
                throw new IllegalStateException("this write guard was closed");
            }
        }

        /** Releases the write access; waiting readers and writers go on in order. Idempotent. */
        @Override
        public void close() {
            permit.close();
        }
    }
}
