package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Coop;
import dev.weft.Future;
import dev.weft.Waker;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An async counting semaphore, fair: waiters get permits in the order they started waiting, and a
 * waiter that needs many permits is not overtaken by later ones that need few (permits released while
 * it waits are set aside for it, as in Tokio). {@link #acquire(int)} suspends the task, never the thread.
 *
 * <pre>{@code
 * Semaphore connections = new Semaphore(100);
 * try (Semaphore.Permit p = connections.acquire().await()) {
 *     talkTo(server).await();
 * }   // the permit goes back here
 * }</pre>
 *
 * <p>Permits are {@link Permit} objects that release on {@link Permit#close()}; they may be passed to
 * another task (Tokio's "owned" permits). {@link #close()} fails every waiter and every later acquire
 * with {@link SemaphoreClosedException}; permits already held stay valid.
 *
 * <p>Cost: one lock acquisition per acquire and per release; a waiter is one object, linked into an
 * intrusive queue (O(1) to add and to remove on cancel).
 */
public final class Semaphore {
    /** The most permits a semaphore can hold (as Tokio: leaves room to count without overflow). */
    public static final int MAX_PERMITS = Integer.MAX_VALUE >> 3;

    private final ReentrantLock lock = new ReentrantLock();
    private int permits;
    private boolean closed;
    private final WaitList<Waiter> waiters = new WaitList<>();

    /** A semaphore with {@code permits} permits available. */
    public Semaphore(int permits) {
        checkCount(permits, "permits");
        this.permits = permits;
    }

    private static void checkCount(int n, String what) {
        if (n < 0 || n > MAX_PERMITS) {
            throw new IllegalArgumentException(what + " must be between 0 and " + MAX_PERMITS + ", got " + n);
        }
    }

    /** Permits available now, not counting any set aside for a waiter. */
    public int availablePermits() {
        lock.lock();
        try {
            return permits;
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** {@link #acquire(int)} of one permit. */
    public Future<Permit> acquire() {
        return acquire(1);
    }

    /**
     * A future of {@code n} permits. Lazy: it joins the queue on its first poll, and completes when the
     * permits are all its own.
     *
     * <p><b>Cancel safety:</b> cancel-safe. A cancelled acquire leaves the queue, and any permits already
     * set aside for it (or handed to it before its owner saw them) go back to the semaphore, where the
     * next waiters get them: nothing is lost and nobody is skipped. Each poll spends one unit of the
     * cooperative budget.
     *
     * @throws IllegalArgumentException if {@code n} is negative or above {@link #MAX_PERMITS}
     */
    public Future<Permit> acquire(int n) {
        checkCount(n, "n");
        return new Acquire(n);
    }

    /** One permit if one is available now and nobody is waiting; see {@link #tryAcquire(int)}. */
    public Optional<Permit> tryAcquire() {
        return tryAcquire(1);
    }

    /**
     * {@code n} permits if they are available now and nobody is waiting ahead; empty otherwise. Never
     * waits.
     *
     * @throws SemaphoreClosedException if the semaphore is closed
     */
    public Optional<Permit> tryAcquire(int n) {
        checkCount(n, "n");
        lock.lock();
        try {
            if (closed) {
                throw closedError();
            }
            if (waiters.first() == null && permits >= n) {
                permits -= n;
                return Optional.of(new Permit(this, n));
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Adds {@code n} permits, handing them to waiters first, in order. */
    public void addPermits(int n) {
        checkCount(n, "n");
        release(n);
    }

    /**
     * Closes the semaphore: every waiter fails with {@link SemaphoreClosedException}, and so does every
     * later acquire. Permits held stay valid and may still be released (to no one). Idempotent.
     */
    public void close() {
        Waiter woken;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            woken = waiters.takeAll();
            for (Waiter w = woken; w != null; w = w.next) {
                w.state = Waiter.CLOSED;
                permits += w.assigned; // set aside for it, now for no one
                w.assigned = 0;
            }
        } finally {
            lock.unlock();
        }
        wakeChain(woken);
    }

    /** Gives back {@code n} permits: to the waiters at the front of the queue, then to the pool. */
    void release(int n) {
        Waiter woken = null;
        Waiter lastWoken = null;
        lock.lock();
        try {
            if (permits + (long) n > MAX_PERMITS) {
                throw new IllegalStateException("releasing " + n + " permits would take the semaphore past "
                        + MAX_PERMITS);
            }
            int left = n;
            while (waiters.first() != null && left > 0) {
                Waiter w = waiters.first();
                int give = Math.min(left, w.needed - w.assigned);
                w.assigned += give;
                left -= give;
                if (w.assigned < w.needed) {
                    break;
                }
                waiters.remove(w);
                w.state = Waiter.GRANTED;
                // Chain the woken waiters through next (now free) to wake them after the lock.
                w.next = null;
                if (lastWoken == null) {
                    woken = w;
                } else {
                    lastWoken.next = w;
                }
                lastWoken = w;
            }
            permits += left;
        } finally {
            lock.unlock();
        }
        wakeChain(woken);
    }

    private static void wakeChain(Waiter w) {
        while (w != null) {
            Waiter next = w.next;
            w.next = null;
            Waker k = w.waker;
            w.waker = null;
            if (k != null) {
                k.wake();
            }
            w = next;
        }
    }

    private SemaphoreClosedException closedError() {
        return new SemaphoreClosedException("the semaphore is closed: no more permits are handed out");
    }

    /** A waiter in the queue; its fields are guarded by the semaphore's lock. */
    private static final class Waiter extends WaitList.Node<Waiter> {
        static final int NEW = 0;
        static final int QUEUED = 1;
        static final int GRANTED = 2;
        static final int CLOSED = 3;
        static final int DONE = 4;

        final int needed;
        int assigned;
        int state = NEW;
        Waker waker;

        Waiter(int needed) {
            this.needed = needed;
        }
    }

    /** The future of {@link #acquire(int)}: the waiter itself. */
    private final class Acquire implements Future<Permit> {
        private final Waiter w;

        Acquire(int n) {
            this.w = new Waiter(n);
        }

        @Override
        public Object poll(Context cx) {
            if (!Coop.proceed(cx)) {
                return PENDING;
            }
            lock.lock();
            try {
                switch (w.state) {
                    case Waiter.NEW -> {
                        if (closed) {
                            w.state = Waiter.DONE;
                            throw closedError();
                        }
                        if (waiters.first() == null && permits >= w.needed) {
                            permits -= w.needed;
                            w.state = Waiter.DONE;
                            return new Permit(Semaphore.this, w.needed);
                        }
                        if (waiters.first() == null) {
                            // The new head takes what is free towards its need: while anyone waits, the
                            // pool stays empty and every release goes to the head first.
                            w.assigned = permits;
                            permits = 0;
                        }
                        w.waker = cx.waker();
                        w.state = Waiter.QUEUED;
                        waiters.addLast(w);
                    }
                    case Waiter.QUEUED -> w.waker = cx.waker();
                    case Waiter.GRANTED -> {
                        w.state = Waiter.DONE;
                        return new Permit(Semaphore.this, w.needed);
                    }
                    case Waiter.CLOSED -> {
                        w.state = Waiter.DONE;
                        throw closedError();
                    }
                    default -> throw new IllegalStateException("this acquire already completed; poll a new one");
                }
            } finally {
                lock.unlock();
            }
            Coop.refund();
            return PENDING;
        }

        @Override
        public void cancel() {
            int giveBack;
            lock.lock();
            try {
                switch (w.state) {
                    case Waiter.QUEUED -> {
                        waiters.remove(w);
                        giveBack = w.assigned;
                    }
                    case Waiter.GRANTED -> giveBack = w.needed; // handed over, never seen: not lost
                    default -> giveBack = 0;
                }
                w.assigned = 0;
                w.waker = null;
                w.state = Waiter.DONE;
            } finally {
                lock.unlock();
            }
            if (giveBack > 0) {
                release(giveBack); // to the next waiters, so a cancelled waiter never swallows a hand-off
            }
        }
    }

    /**
     * Permits held from a {@link Semaphore}. Releases them on {@link #close()} (once; later calls do
     * nothing). May be handed to another task or thread.
     */
    public static final class Permit implements AutoCloseable {
        private final Semaphore semaphore;
        private int count;

        Permit(Semaphore semaphore, int count) {
            this.semaphore = semaphore;
            this.count = count;
        }

        /** How many permits this holds (0 once released or forgotten). */
        public synchronized int count() {
            return count;
        }

        /** Keeps the permits out of the semaphore for good (they are not released on close). */
        public synchronized void forget() {
            count = 0;
        }

        /** Releases the permits to the semaphore. */
        @Override
        public void close() {
            int n;
            synchronized (this) {
                n = count;
                count = 0;
            }
            if (n > 0) {
                semaphore.release(n);
            }
        }
    }
}
