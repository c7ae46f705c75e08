package dev.weft.compose;

import dev.weft.AsyncException;
import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A growing set of futures driven by one task, whose outputs come out in the order the futures
 * complete: the futures crate's {@code FuturesUnordered}. Use it when the futures to wait for are not
 * known up front (a server's in-flight requests), or when each output should be handled as soon as it
 * is ready rather than all at once ({@link Join#all} waits for every one).
 *
 * <pre>{@code
 * try (FuturesUnordered<Reply> inFlight = new FuturesUnordered<>()) {
 *     for (Request r : first) {
 *         inFlight.push(client.send(r));
 *     }
 *     while (!inFlight.isEmpty()) {
 *         Reply reply = inFlight.next().await();     // the first to complete, whichever it is
 *         handle(reply);
 *         if (more()) {
 *             inFlight.push(client.send(nextRequest()));  // pushing between nexts is fine
 *         }
 *     }
 * }                                                  // close(): whatever is left is cancelled
 * }</pre>
 *
 * <p>The members run concurrently (their waits overlap) but not in parallel: the task that polls
 * {@link #next()} polls them all. To use several workers, spawn tasks and put their handles in a
 * {@link dev.weft.runtime.JoinSet}, which is built on this class.
 *
 * <p>Cost: each member gets a waker of its own, and a poll of {@code next()} looks only at members
 * woken since they were last polled: one wake among 100,000 members costs one member poll. Pushing
 * and removing a member are O(1); memory is a node of about 50 bytes per member and a queue entry of
 * about 24 bytes per wake. A poll polls at most {@value #POLLS_PER_YIELD} members that stay pending;
 * then it wakes its task and returns pending, so a burst of spurious wakes cannot hold a worker for
 * long. Measured by {@code FuturesUnorderedBench}: about 40 ns per output to drain ready members;
 * about 80 ns for a wake, its output and a replacement push in a set of 10,000.
 *
 * <p><b>Cancel safety:</b> {@code next()} is cancel-safe: a member's output is taken out of the set
 * only in the poll that returns it, so cancelling a pending {@code next()} (in a select, under a
 * timeout) loses nothing and the members stay in the set. {@link #close()} cancels every member; their
 * cleanup runs before it returns.
 *
 * <p>Threads: the set belongs to the task that polls it. {@link #push}, {@link #next()},
 * {@link #pollNext}, {@link #clear()}, {@link #close()} and iteration must not run concurrently with
 * each other (call them from the owning task, or hand the set over with a happens-before edge, as for
 * any future). Members may be woken from any thread.
 *
 * @param <T> the type of the members' outputs
 */
public final class FuturesUnordered<T> implements Iterable<Future<? extends T>>, AutoCloseable {
    /*
     * Implementation overview.
     *
     * Members. Every member has a Node, which is its Context and its Waker (as JoinAll.Child is), so
     * a wake says which member to poll. Live nodes form an intrusive doubly linked list from `head`,
     * touched by the owner only (plain fields): unlinking a finished member is O(1) without the index
     * bookkeeping of a slot array, and the node exists anyway as the member's waker. A node is live
     * while its `future` is non-null; removing it nulls `future`.
     *
     * Ready queue. A wake CASes the node's `queued` flag 0 -> 1 and, if it won, stamps the node with
     * the current `epoch`, appends it to `ready` (a ConcurrentLinkedQueue: wakes come from any thread)
     * and wakes the parent (the waker of the latest poll). A node is in the queue at most once; later
     * wakes before it is polled do nothing, since the first one woke the parent already. The owner
     * clears `queued` when it takes the node out, before polling the member, so a wake during that
     * poll queues it again. A removed node is left with `queued` = 1 for good: wakes of a finished
     * member cost a failed CAS and never reach the queue. `stamp` is written only by the thread that won
     * the CAS, while the node is out of the queue, and read by the owner after taking it from the queue
     * (the queue's happens-before), so a plain field suffices.
     *
     * Only members woken before a poll began. Each poll increments `epoch` (volatile) after recording
     * the parent waker, then takes nodes from the head while their stamp is older than this poll's
     * epoch. A member that wakes itself while polled (out of budget, a yield) reads the new epoch, so
     * the drain stops at it and it waits for the next poll; without this, draining to empty would spin
     * on such a member forever. Stopping there loses no wake-up: that node's waker read the new epoch,
     * so it also reads the parent recorded before it (volatile order) and wakes it. A waker racing with
     * the start of a poll may read the old epoch and be polled in this poll: harmless. Pushed nodes are
     * stamped NEVER_POLLED, which no epoch equals, so a push is seen by the very next poll.
     *
     * Bounded polls. Members that stay pending do not spend the coop budget (leaf futures refund it),
     * so a burst of spurious wakes could make one poll visit every member. After POLLS_PER_YIELD
     * pending member polls the poll wakes its own task and returns pending; the rest wait in the queue
     * in order. 32 is the futures crate's figure: large enough that the extra trip through the
     * scheduler is rare, small enough that one poll stays in the microseconds.
     */

    /** Member polls that stayed pending after which one poll of {@link #next()} yields. */
    static final int POLLS_PER_YIELD = 32;

    private static final long NEVER_POLLED = -1;

    /** Nodes woken (or pushed) and not yet polled; appended to by any thread, drained by the owner. */
    private final ConcurrentLinkedQueue<Node<T>> ready = new ConcurrentLinkedQueue<>();
    /** The waker of the latest poll; written by the owner, read by wakers. */
    private volatile Waker parent;
    /** Incremented at the start of each poll; read by wakers to stamp the nodes they queue. */
    private volatile long epoch;
    /** The future handed out by {@link #next()}: one object, since all it does is poll the set. */
    private final Future<T> next = this::pollNext;

    // Owner-only state.
    private Node<T> head;
    private int size;
    private boolean closed;

    /** An empty set. */
    public FuturesUnordered() {
    }

    /** A member's context and waker in one object, and its link in the list of live members. */
    private static final class Node<T> extends Context implements Waker {
        private static final VarHandle QUEUED;

        static {
            try {
                QUEUED = MethodHandles.lookup().findVarHandle(Node.class, "queued", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final FuturesUnordered<T> set;
        /** The member; null once it is removed. Owner only. */
        Future<? extends T> future;
        Node<T> prev;
        Node<T> next;
        /** The epoch read by the wake that queued this node. See the overview. */
        long stamp;
        /** 1 while the node is in the ready queue, and for good once it is removed. CAS only. */
        private volatile int queued;

        Node(FuturesUnordered<T> set, Future<? extends T> future) {
            this.set = set;
            this.future = future;
        }

        @Override
        public void wake() {
            if (queued == 0 && QUEUED.compareAndSet(this, 0, 1)) {
                stamp = set.epoch;
                set.ready.offer(this);
                Waker p = set.parent;
                if (p != null) {
                    p.wake();
                }
            }
        }
    }

    /**
     * Adds {@code future} to the set. It is first polled by the next poll of {@link #next()}; nothing
     * runs in this call, and no task is woken (the owner polls {@code next()} after pushing). Allowed
     * at any time, including while a {@code next()} is pending. O(1).
     *
     * @throws IllegalStateException if the set is closed; {@code future} is then cancelled
     */
    public void push(Future<? extends T> future) {
        Objects.requireNonNull(future, "future");
        if (closed) {
            future.cancel();
            throw new IllegalStateException("this FuturesUnordered is closed; the pushed future was cancelled");
        }
        Node<T> n = new Node<>(this, future);
        n.stamp = NEVER_POLLED;
        n.queued = 1;
        n.next = head;
        if (head != null) {
            head.prev = n;
        }
        head = n;
        size++;
        ready.offer(n);
    }

    /** How many members have not yet completed (or failed). */
    public int size() {
        return size;
    }

    /** Whether the set has no members; test it before {@link #next()} when outputs may be null. */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * A future of the output of the next member to complete; that member leaves the set. If the member
     * fails, the future throws its failure (the same object) and the member leaves the set too. If the
     * set is empty when polled, the future completes at once with null, which ends the usual loop:
     * <pre>{@code
     * for (T out; (out = set.next().await()) != null; ) { ... }   // when outputs are never null
     * while (!set.isEmpty()) { T out = set.next().await(); ... }   // when they may be
     * }</pre>
     * Members pushed while it is pending are included. It returns the same object on every call, a
     * view that polls the set ({@link #pollNext}), so calling it costs nothing.
     *
     * <p><b>Cancel safety:</b> cancel-safe; cancelling it does nothing to the set.
     */
    public Future<T> next() {
        return next;
    }

    /**
     * Polls the set once: returns the output of a member that completed in this poll (removing it),
     * null if the set is empty, or {@link Future#PENDING} after arranging for {@code cx}'s waker to be
     * woken when a member is. For hand-written futures; tasks use {@link #next()}.
     *
     * @throws RuntimeException a member's failure (that member is removed)
     */
    public Object pollNext(Context cx) {
        if (size == 0) {
            return null;
        }
        Waker w = cx.waker();
        if (parent != w) {
            parent = w;
        }
        long e = epoch + 1;
        epoch = e; // after parent: a waker that reads e reads this parent (see the overview)
        int pendingPolls = 0;
        while (true) {
            Node<T> n = ready.peek();
            if (n == null || n.stamp == e) {
                return Future.PENDING; // nothing woken before this poll began is left
            }
            if (pendingPolls == POLLS_PER_YIELD) {
                w.wake(); // the rest of the queue waits for the next poll; others get the thread now
                return Future.PENDING;
            }
            ready.poll();
            Future<? extends T> f = n.future;
            if (f == null) {
                continue; // removed while it sat in the queue
            }
            n.queued = 0; // from here on a wake queues it again
            Object r;
            try {
                r = f.poll(n);
            } catch (Throwable failure) {
                remove(n);
                throw AsyncException.rethrow(failure);
            }
            if (r != Future.PENDING) {
                remove(n);
                return r;
            }
            pendingPolls++;
        }
    }

    private void remove(Node<T> n) {
        n.future = null;
        n.queued = 1; // later wakes of the finished member never reach the queue
        if (n.prev != null) {
            n.prev.next = n.next;
        } else {
            head = n.next;
        }
        if (n.next != null) {
            n.next.prev = n.prev;
        }
        n.prev = null;
        n.next = null;
        size--;
    }

    /**
     * Removes and cancels every member (their cleanup runs now, on this thread); the set stays open and
     * empty. If a member's {@code cancel()} throws, the others are still cancelled, then the first
     * failure is thrown with the rest suppressed. O(size).
     */
    public void clear() {
        Throwable failure = null;
        for (Node<T> n = head; n != null; ) {
            Node<T> following = n.next;
            Future<? extends T> f = n.future;
            remove(n);
            try {
                f.cancel();
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                } else if (failure != t) {
                    failure.addSuppressed(t);
                }
            }
            n = following;
        }
        ready.clear();
        if (failure != null) {
            throw AsyncException.rethrow(failure);
        }
    }

    /**
     * Cancels every member, as {@link #clear()}, and closes the set: a later {@link #push} fails.
     * Idempotent. A pending {@link #next()} then completes with null.
     */
    @Override
    public void close() {
        closed = true;
        clear();
    }

    /**
     * The members that have not completed, most recently pushed first. For looking at them (or, as
     * {@code JoinSet} does, aborting the tasks behind them); polling a member through this iterator
     * would lose its wake-up, and {@code remove} is not supported. Owner only; pushing, polling or
     * clearing during the iteration is not allowed.
     */
    @Override
    public Iterator<Future<? extends T>> iterator() {
        return new Iterator<>() {
            private Node<T> cursor = head;

            @Override
            public boolean hasNext() {
                return cursor != null;
            }

            @Override
            public Future<? extends T> next() {
                if (cursor == null) {
                    throw new NoSuchElementException();
                }
                Future<? extends T> f = cursor.future;
                cursor = cursor.next;
                return f;
            }
        };
    }

    @Override
    public String toString() {
        return "FuturesUnordered[size=" + size + (closed ? ", closed]" : "]");
    }
}
