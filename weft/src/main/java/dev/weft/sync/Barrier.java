package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Coop;
import dev.weft.Future;
import dev.weft.Waker;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes a fixed number of tasks wait for each other: each {@link #arriveAndWait()} future completes
 * once {@code parties} of them have arrived, and the barrier is then ready for the next round (it is
 * reusable, like {@link java.util.concurrent.CyclicBarrier}, but a waiting task suspends instead of
 * blocking its thread).
 *
 * <pre>{@code
 * Barrier ready = new Barrier(workers);
 * for (int i = 0; i < workers; i++) {
 *     Weft.spawn(() -> {
 *         warmUp();
 *         if (ready.arriveAndWait().await().isLeader()) {
 *             log("all warmed up");          // exactly one task per round is the leader
 *         }
 *         work();
 *     });
 * }
 * }</pre>
 *
 * <p>Cost: one lock acquisition per arrival; the last arrival wakes the others in one pass.
 */
public final class Barrier {
    private final int parties;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by the lock.
    private int arrived;
    /** Bumped each time the barrier trips; a waiter that arrived in an earlier round is released. */
    private long round;
    private final WaitList<Arrival> waiters = new WaitList<>();

    /**
     * A barrier that trips when {@code parties} tasks have arrived.
     *
     * @throws IllegalArgumentException if {@code parties} is not positive
     */
    public Barrier(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("a barrier needs at least one party, got " + parties);
        }
        this.parties = parties;
    }

    /** How many arrivals trip the barrier. */
    public int parties() {
        return parties;
    }

    /** How many tasks have arrived in the current round and wait (racy: for tests and diagnostics). */
    public int waiting() {
        lock.lock();
        try {
            return arrived;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A future that arrives at the barrier when first polled and completes when the round's last party
     * has arrived. The last arrival is the round's leader ({@link Result#isLeader()}); it completes at
     * once and wakes the others.
     *
     * <p><b>Cancel safety:</b> cancelled before its round trips, the arrival is withdrawn: the round
     * still waits for {@code parties} live arrivals, so a task that gave up (a select that took another
     * arm, a timeout) never makes the others go on a party short. Cancelled after the round tripped, it
     * changes nothing. Each poll spends one unit of the cooperative budget.
     */
    public Future<Result> arriveAndWait() {
        return new Arrival();
    }

    /** What {@link #arriveAndWait()} gives each party. */
    public record Result(boolean isLeader) {
    }

    private static final Result LEADER = new Result(true);
    private static final Result FOLLOWER = new Result(false);

    private final class Arrival extends WaitList.Node<Arrival> implements Future<Result> {
        // Guarded by the barrier's lock.
        private boolean waiting;
        private boolean done;
        private long arrivedIn;
        private Waker waker;

        @Override
        public Object poll(Context cx) {
            if (!Coop.proceed(cx)) {
                return PENDING;
            }
            List<Waker> released;
            lock.lock();
            try {
                if (done) {
                    throw new IllegalStateException("this arrival already completed; call arriveAndWait() again"
                            + " for the next round");
                }
                if (waiting) {
                    if (round == arrivedIn) {
                        waker = cx.waker();
                        return PENDING;
                    }
                    done = true;
                    return FOLLOWER;
                }
                if (++arrived < parties) {
                    waiting = true;
                    arrivedIn = round;
                    waker = cx.waker();
                    waiters.addLast(this);
                    return PENDING;
                }
                arrived = 0;
                round++;
                done = true;
                released = takeWakers();
            } finally {
                lock.unlock();
            }
            WaitList.wakeAll(released);
            return LEADER;
        }

        @Override
        public void cancel() {
            lock.lock();
            try {
                if (waiting && !done && round == arrivedIn) {
                    waiters.remove(this);
                    arrived--;
                }
                done = true;
                waker = null;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Empties the waiter list, returning the wakers to wake once the lock is released. */
    private List<Waker> takeWakers() {
        return waiters.drainWakers(w -> {
            Waker k = w.waker;
            w.waker = null;
            return k;
        });
    }
}
