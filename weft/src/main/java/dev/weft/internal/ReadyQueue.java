package dev.weft.internal;

import dev.weft.Context;
import dev.weft.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Which children of a combinator need a poll (the futures of a join or a select, the sub-streams of a
 * merge, the futures in flight of a buffered stream): each child is polled with a {@link Member}, a context that is its own waker, and waking it
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
public final class ReadyQueue<C> {
    private final ConcurrentLinkedQueue<Member<C>> woken = new ConcurrentLinkedQueue<>();
    /** Made by the first poll that finds a member queued: a select that wins at once never needs it. */
    private ArrayDeque<Member<C>> batch;
    private volatile Waker parent;
    /** Members added so far; poller only. */
    private int added;

    /** A child's context and waker in one object. */
    public static final class Member<C> extends Context implements Waker {
        private static final VarHandle MARKED;

        static {
            try {
                MARKED = MethodHandles.lookup().findVarHandle(Member.class, "marked", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final ReadyQueue<C> queue;
        /** The child this member stands for (the combinator's own record of it; may be null). */
        public final C child;
        /** The order in which this member was added: 0, 1, 2, ... (a join's index into its outputs). */
        public final int index;
        /**
         * Whether the member is in {@code woken} or the batch, waiting for a poll. A field set by CAS
         * through a VarHandle rather than an {@code AtomicBoolean}: one object fewer per child.
         */
        private volatile boolean marked;
        /** Set by the poller once the child has ended; its later wakes are ignored by the poller. */
        public boolean done;

        Member(ReadyQueue<C> queue, C child, int index, boolean queued) {
            this.queue = queue;
            this.child = child;
            this.index = index;
            if (queued) {
                // A plain store: the member reaches other threads only through the queue or the child's
                // own synchronisation, both of which publish it. A volatile store here cost a fence per
                // child of every join and select.
                MARKED.set(this, true);
            }
        }

        @Override
        public void wake() {
            if (!marked && MARKED.compareAndSet(this, false, true)) {
                queue.woken.add(this);
            }
            Waker p = queue.parent;
            if (p != null) {
                p.wake();
            }
        }
    }

    /**
     * Adds a child that is not queued: for a combinator that polls every child itself on its first
     * poll (a join, a select), which saves a trip through the queue per child. Its first wake queues it.
     * Poller only.
     */
    public Member<C> addUnqueued(C child) {
        return new Member<>(this, child, added++, false);
    }

    /** Adds a child, counted as woken: the next poll polls it. Poller only. */
    public Member<C> add(C child) {
        Member<C> m = new Member<>(this, child, added++, true);
        woken.add(m);
        return m;
    }

    /**
     * Begins a poll whose task wakes {@code parent}; returns how many members this poll may take with
     * {@link #next()} (those woken before now). Poller only.
     */
    public int begin(Waker parent) {
        this.parent = parent;
        Member<C> m = woken.poll();
        if (m != null) {
            if (batch == null) {
                batch = new ArrayDeque<>();
            }
            do {
                batch.add(m);
            } while ((m = woken.poll()) != null);
        }
        return batch == null ? 0 : batch.size();
    }

    /**
     * The next member to poll, unmarked so that a wake from now on queues it again; null if the batch
     * is empty. Poller only.
     */
    public Member<C> next() {
        Member<C> m = batch == null ? null : batch.poll();
        if (m != null) {
            m.marked = false;
        }
        return m;
    }

    /**
     * Queues a member that is ready without a wake (it just produced an item and may have another),
     * behind every member already waiting; does not wake the task. Poller only.
     */
    public void requeue(Member<C> m) {
        if (Member.MARKED.compareAndSet(m, false, true)) {
            woken.add(m);
        }
    }

    /**
     * Stops wakes from reaching the task: for a combinator that has completed, so children that outlive
     * it (futures a select borrowed) do not wake a task that no longer waits for them.
     */
    public void detach() {
        parent = null;
    }
}
