package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes tasks without passing data: the async counterpart of a condition variable, with a stored
 * permit so that a notification sent before anyone waits is not lost.
 *
 * <ul>
 *   <li>{@link #notifyOne()} wakes the longest-waiting {@link #notified()} future; if none waits, it
 *       stores one permit (at most one), which the next {@code notified()} takes at once.</li>
 *   <li>{@link #notifyWaiters()} wakes every {@code notified()} future made before the call, whether
 *       or not it has been polled yet, and stores no permit.</li>
 * </ul>
 *
 * <pre>{@code
 * while (!queue.isEmpty() || ...) { ... }
 * Future<Void> wake = notify.notified();   // made before the check: a notifyWaiters() after it counts
 * if (queue.isEmpty()) {
 *     wake.await();
 * }
 * }</pre>
 *
 * <p>Cost: one lock acquisition per notification and per waiting future; waiters are an intrusive FIFO.
 */
public final class Notify {
    private final ReentrantLock lock = new ReentrantLock();
    private boolean permit;
    /** notifyOne calls absorbed by a permit already stored (guarded by the lock; for tests). */
    private long coalesced;
    /** Bumped by every {@link #notifyWaiters()}; a future made before a bump is notified by it. */
    private long generation;
    private final WaitList<Notified> waiters = new WaitList<>();

    /**
     * Wakes the longest-waiting {@link #notified()} future, or stores a permit for the next one if none
     * waits (a second call with none waiting stores nothing more).
     */
    public void notifyOne() {
        Waker toWake;
        lock.lock();
        try {
            Notified w = waiters.first();
            if (w == null) {
                if (permit) {
                    coalesced++;
                }
                permit = true;
                return;
            }
            waiters.remove(w);
            w.state = Notified.NOTIFIED_ONE;
            toWake = w.waker;
            w.waker = null;
        } finally {
            lock.unlock();
        }
        if (toWake != null) {
            toWake.wake();
        }
    }

    /** Wakes every {@link #notified()} future made before this call; stores no permit. */
    public void notifyWaiters() {
        Notified woken;
        lock.lock();
        try {
            generation++;
            woken = waiters.takeAll();
            for (Notified w = woken; w != null; w = w.next) {
                w.state = Notified.NOTIFIED_ALL;
            }
        } finally {
            lock.unlock();
        }
        while (woken != null) {
            Notified next = woken.next;
            woken.next = null;
            woken.prev = null;
            Waker k = woken.waker;
            woken.waker = null;
            if (k != null) {
                k.wake();
            }
            woken = next;
        }
    }

    /**
     * A future that completes when this is notified (see the class description). It takes a stored
     * permit on its first poll if there is one.
     *
     * <p><b>Cancel safety:</b> cancel-safe. A future cancelled after {@link #notifyOne()} picked it, but
     * before its owner saw the notification, passes the notification on (to the next waiter, or back as
     * the stored permit): a {@code notifyOne} is never lost to a cancelled waiter.
     */
    public Future<Void> notified() {
        lock.lock();
        try {
            return new Notified(generation);
        } finally {
            lock.unlock();
        }
    }

    /** How many notifyOne calls found a permit already stored (and so added nothing); for tests. */
    long coalesced() {
        lock.lock();
        try {
            return coalesced;
        } finally {
            lock.unlock();
        }
    }

    private final class Notified extends WaitList.Node<Notified> implements Future<Void> {
        static final int NEW = 0;
        static final int WAITING = 1;
        static final int NOTIFIED_ONE = 2;
        static final int NOTIFIED_ALL = 3;
        static final int DONE = 4;

        private final long createdAt;
        // Guarded by the Notify's lock.
        int state = NEW;
        Waker waker;

        Notified(long generation) {
            this.createdAt = generation;
        }

        @Override
        public Object poll(Context cx) {
            lock.lock();
            try {
                switch (state) {
                    case NEW -> {
                        if (generation != createdAt) {
                            state = DONE; // a notifyWaiters() since this was made
                            return null;
                        }
                        if (permit) {
                            permit = false;
                            state = DONE;
                            return null;
                        }
                        state = WAITING;
                        waker = cx.waker();
                        waiters.addLast(this);
                        return PENDING;
                    }
                    case WAITING -> {
                        waker = cx.waker();
                        return PENDING;
                    }
                    default -> {
                        state = DONE;
                        return null;
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void cancel() {
            boolean passOn;
            lock.lock();
            try {
                passOn = state == NOTIFIED_ONE;
                if (state == WAITING) {
                    waiters.remove(this);
                }
                state = DONE;
                waker = null;
            } finally {
                lock.unlock();
            }
            if (passOn) {
                notifyOne(); // the notification this waiter was given goes to the next one, or is stored
            }
        }
    }
}
