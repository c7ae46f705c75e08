package dev.weft.stream;

import dev.weft.Context;
import dev.weft.Waker;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Which children of a combinator ({@link Merge}'s sub-streams, {@link Buffered}'s futures) need a
 * poll: each child is polled with a {@link Member}, a context that is its own waker, and waking it
 * queues that child (once, until it is polled again) and wakes the combinator's task. A poll of the
 * combinator then polls only queued children, so one wake among 10,000 quiet children costs one child
 * poll.
 *
 * <p>Algorithm. Wakes may come from any thread; they go to {@code woken}, a lock-free queue, guarded
 * against duplicates by the member's {@code marked} flag (set by the CAS that queues it, cleared by the
 * poller just before it polls the child, so a wake that lands during that poll queues the child
 * again). The poller, one thread at a time, moves {@code woken} into its private {@code batch} when a
 * poll {@linkplain #begin begins} and polls at most the members that were in the batch then: a child
 * that wakes itself while polled (its budget spent, a yield) waits for the next poll, or draining would
 * never end. A poll that returns early (an item to hand out) leaves the rest of the batch, still
 * marked, for the next poll, in front of members woken since: so a child that produced an item and
 * {@linkplain #requeue is put back} goes behind every child that was ready before it, which makes
 * merging fair without scanning from a rotating index.
 *
 * <p>Threads: {@code woken} and {@code marked} are touched by any thread; {@code parent} is written by
 * the poller and read by wakers (volatile: a wake after a poll began finds that poll's waker, and the
 * Waker contract's happens-before comes from the parent waker itself); {@code batch} and
 * {@link Member#done} belong to the poller. A child's own state is published by the child's own
 * synchronisation, as for any future.
 */
final class ReadyQueue<C> {
    private final ConcurrentLinkedQueue<Member<C>> woken = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Member<C>> batch = new ArrayDeque<>();
    private volatile Waker parent;

    /** A child's context and waker in one object. */
    static final class Member<C> extends Context implements Waker {
        private final ReadyQueue<C> queue;
        final C child;
        /** Whether the member is in {@code woken} or the batch, waiting for a poll. */
        private final AtomicBoolean marked = new AtomicBoolean(true);
        /** Set by the poller once the child has ended; its later wakes are ignored by the poller. */
        boolean done;

        Member(ReadyQueue<C> queue, C child) {
            this.queue = queue;
            this.child = child;
        }

        @Override
        public void wake() {
            if (marked.compareAndSet(false, true)) {
                queue.woken.add(this);
            }
            Waker p = queue.parent;
            if (p != null) {
                p.wake();
            }
        }
    }

    /** Adds a child, counted as woken: the next poll polls it. Poller only. */
    Member<C> add(C child) {
        Member<C> m = new Member<>(this, child);
        woken.add(m);
        return m;
    }

    /**
     * Begins a poll whose task wakes {@code parent}; returns how many members this poll may take with
     * {@link #next()} (those woken before now). Poller only.
     */
    int begin(Waker parent) {
        this.parent = parent;
        for (Member<C> m; (m = woken.poll()) != null; ) {
            batch.add(m);
        }
        return batch.size();
    }

    /**
     * The next member to poll, unmarked so that a wake from now on queues it again; null if the batch
     * is empty. Poller only.
     */
    Member<C> next() {
        Member<C> m = batch.poll();
        if (m != null) {
            m.marked.set(false);
        }
        return m;
    }

    /**
     * Queues a member that is ready without a wake (it just produced an item and may have another),
     * behind every member already waiting; does not wake the task. Poller only.
     */
    void requeue(Member<C> m) {
        if (m.marked.compareAndSet(false, true)) {
            woken.add(m);
        }
    }
}
