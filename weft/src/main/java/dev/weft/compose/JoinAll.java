package dev.weft.compose;

import dev.weft.AsyncException;
import dev.weft.Context;
import dev.weft.Future;
import dev.weft.internal.ReadyQueue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The future behind {@link Join#all} and {@link Join#tryAll}: drives a fixed list of futures and
 * completes with their outputs in input order.
 *
 * <p>Each child is polled with its own waker, a member of a {@link ReadyQueue}. The first poll polls
 * every child; after that a poll looks only at the children woken since their last poll, so a wake of
 * one of 10,000 children costs one child poll, not 10,000.
 */
final class JoinAll<T> implements Future<List<T>> {
    private final Future<? extends T>[] children;
    private final ReadyQueue<Void> ready = new ReadyQueue<>();
    private final List<ReadyQueue.Member<Void>> members;
    private final Object[] outputs;
    private final boolean failFast;
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
        this.members = new ArrayList<>(children.length);
        for (int i = 0; i < children.length; i++) {
            members.add(ready.addUnqueued(null));
        }
        this.outputs = new Object[children.length];
        this.failFast = failFast;
        this.remaining = children.length;
    }

    @Override
    public Object poll(Context cx) {
        if (finished) {
            throw new IllegalStateException("this join already completed; its outputs were returned");
        }
        int n = ready.begin(cx.waker());
        if (!started) {
            started = true;
            for (ReadyQueue.Member<Void> m : members) {
                if (pollChild(m)) {
                    return result();
                }
            }
        } else {
            for (; n > 0; n--) {
                if (pollChild(ready.next())) {
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
    private boolean pollChild(ReadyQueue.Member<Void> m) {
        if (m.done) {
            return false;
        }
        int i = m.index;
        Object r;
        try {
            r = children[i].poll(m);
        } catch (Throwable failure) {
            m.done = true;
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
        m.done = true;
        outputs[i] = r;
        remaining--;
        return remaining == 0;
    }

    @SuppressWarnings("unchecked")
    private Object result() {
        finished = true;
        ready.detach();
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
        ready.detach();
        cancelUnfinished();
    }

    /** Cancels every child that has not completed; their cleanup runs now. */
    private void cancelUnfinished() {
        Throwable cleanupFailure = null;
        for (ReadyQueue.Member<Void> m : members) {
            if (!m.done) {
                m.done = true;
                try {
                    children[m.index].cancel();
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
