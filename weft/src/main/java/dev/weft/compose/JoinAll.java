package dev.weft.compose;

import dev.weft.AsyncException;
import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The future behind {@link Join#all} and {@link Join#tryAll}: drives a fixed list of futures and
 * completes with their outputs in input order.
 *
 * <p>Each child is polled with a context of its own whose waker marks that child woken (once, until
 * it is polled again) and then wakes the task. After the first poll, which polls every child, a poll
 * looks only at the marked children, so a wake of one of 10,000 children costs one child poll, not
 * 10,000.
 */
final class JoinAll<T> implements Future<List<T>> {
    private final Future<? extends T>[] children;
    private final Child[] contexts;
    private final Object[] outputs;
    private final boolean failFast;
    /** Children woken since they were last polled; written by any thread, drained by the poller. */
    private final ConcurrentLinkedQueue<Child> woken = new ConcurrentLinkedQueue<>();
    /** The waker of the task that polls this; replaced on each poll. */
    private volatile Waker parent;
    private boolean started;
    private boolean finished;
    private int remaining;
    private Throwable firstFailure;

    @SuppressWarnings("unchecked")
    JoinAll(Collection<? extends Future<? extends T>> futures, boolean failFast) {
        this.children = futures.toArray(new Future[0]);
        for (Future<? extends T> f : children) {
            if (f == null) {
                throw new NullPointerException("a joined future is null");
            }
        }
        this.contexts = new Child[children.length];
        for (int i = 0; i < children.length; i++) {
            contexts[i] = new Child(this, i);
        }
        this.outputs = new Object[children.length];
        this.failFast = failFast;
        this.remaining = children.length;
    }

    /** A child's context and waker in one object: waking marks the child and wakes the parent. */
    private static final class Child extends Context implements Waker {
        final JoinAll<?> join;
        final int index;
        final AtomicBoolean marked = new AtomicBoolean();
        boolean done;

        Child(JoinAll<?> join, int index) {
            this.join = join;
            this.index = index;
        }

        @Override
        public void wake() {
            if (marked.compareAndSet(false, true)) {
                join.woken.add(this);
            }
            Waker p = join.parent;
            if (p != null) {
                p.wake();
            }
        }
    }

    @Override
    public Object poll(Context cx) {
        if (finished) {
            throw new IllegalStateException("this join already completed; its outputs were returned");
        }
        parent = cx.waker();
        if (!started) {
            started = true;
            for (Child c : contexts) {
                if (pollChild(c)) {
                    return result();
                }
            }
        } else {
            // Only the children woken before this poll began: one that wakes itself while polled (a
            // spent budget, a yield) waits for the next poll, or this loop would never end.
            for (int n = woken.size(); n > 0; n--) {
                Child c = woken.poll();
                if (c == null) {
                    break;
                }
                if (pollChild(c)) {
                    return result();
                }
            }
        }
        if (remaining == 0) {
            return result();
        }
        return PENDING;
    }

    /**
     * Polls one child that is not done; returns true when the join is over (everything done, or a
     * failure with fail-fast on).
     */
    private boolean pollChild(Child c) {
        if (c.done) {
            return false;
        }
        c.marked.set(false); // a wake from here on marks it again
        Object r;
        try {
            r = children[c.index].poll(c);
        } catch (Throwable failure) {
            c.done = true;
            remaining--;
            if (firstFailure == null) {
                firstFailure = failure;
            } else if (firstFailure != failure) {
                firstFailure.addSuppressed(failure);
            }
            return failFast || remaining == 0;
        }
        if (r == PENDING) {
            return false;
        }
        c.done = true;
        outputs[c.index] = r;
        remaining--;
        return remaining == 0;
    }

    @SuppressWarnings("unchecked")
    private Object result() {
        finished = true;
        if (firstFailure != null) {
            cancelUnfinished();
            throw AsyncException.rethrow(firstFailure);
        }
        List<T> list = new ArrayList<>(outputs.length);
        for (Object o : outputs) {
            list.add((T) o);
        }
        Arrays.fill(outputs, null);
        return list;
    }

    @Override
    public void cancel() {
        finished = true;
        cancelUnfinished();
    }

    /** Cancels every child that has not completed; their cleanup runs now. */
    private void cancelUnfinished() {
        Throwable cleanupFailure = null;
        for (Child c : contexts) {
            if (!c.done) {
                c.done = true;
                try {
                    children[c.index].cancel();
                } catch (Throwable t) {
                    if (cleanupFailure == null) {
                        cleanupFailure = t;
                    } else {
                        cleanupFailure.addSuppressed(t);
                    }
                }
            }
        }
        if (cleanupFailure != null) {
            if (firstFailure != null && firstFailure != cleanupFailure) {
                firstFailure.addSuppressed(cleanupFailure);
            } else {
                throw AsyncException.rethrow(cleanupFailure);
            }
        }
    }
}
