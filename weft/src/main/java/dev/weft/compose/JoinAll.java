package dev.weft.compose;

import dev.weft.AsyncException;
import dev.weft.Context;
import dev.weft.Future;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The future behind {@link Join#all} and {@link Join#tryAll}: drives a fixed list of futures and
 * completes with their outputs in input order.
 *
 * <p>Each child is polled with its own waker ({@link ChildWakers}). The first poll polls every
 * child; after that a poll looks only at the children woken since their last poll, so a wake of one
 * of 10,000 children costs one child poll, not 10,000.
 */
final class JoinAll<T> implements Future<List<T>> {
    private final Future<? extends T>[] children;
    private final ChildWakers wakers;
    private final boolean[] done;
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
        this.wakers = new ChildWakers(children.length);
        this.done = new boolean[children.length];
        this.outputs = new Object[children.length];
        this.failFast = failFast;
        this.remaining = children.length;
    }

    @Override
    public Object poll(Context cx) {
        if (finished) {
            throw new IllegalStateException("this join already completed; its outputs were returned");
        }
        wakers.parent(cx.waker());
        if (!started) {
            started = true;
            for (int i = 0; i < children.length; i++) {
                if (pollChild(wakers.child(i))) {
                    return result();
                }
            }
        } else {
            for (int n = wakers.wokenCount(); n > 0; n--) {
                ChildWakers.Child c = wakers.nextWoken();
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
    private boolean pollChild(ChildWakers.Child c) {
        int i = c.index;
        if (done[i]) {
            return false;
        }
        c.clearMark();
        Object r;
        try {
            r = children[i].poll(c);
        } catch (Throwable failure) {
            done[i] = true;
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
        done[i] = true;
        outputs[i] = r;
        remaining--;
        return remaining == 0;
    }

    @SuppressWarnings("unchecked")
    private Object result() {
        finished = true;
        wakers.detach();
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
        wakers.detach();
        cancelUnfinished();
    }

    /** Cancels every child that has not completed; their cleanup runs now. */
    private void cancelUnfinished() {
        Throwable cleanupFailure = null;
        for (int i = 0; i < children.length; i++) {
            if (!done[i]) {
                done[i] = true;
                try {
                    children[i].cancel();
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
