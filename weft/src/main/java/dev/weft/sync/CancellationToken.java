package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * A signal that work should stop, shared by everyone who must stop: a task checks
 * {@link #isCancelled()} or awaits {@link #cancelled()}, often as a branch of a select. Unlike
 * aborting a task, it cancels nothing by force: each holder decides where to stop and cleans up as it
 * likes. {@link #child()} makes a token that is cancelled with this one (and can be cancelled alone).
 *
 * <pre>{@code
 * CancellationToken shutdown = new CancellationToken();
 * Weft.spawn(() -> {
 *     while (!shutdown.isCancelled()) {
 *         serveOne().await();
 *     }
 * });
 * // later
 * shutdown.cancel();
 * }</pre>
 *
 * <p>Threads: any. A child is held by its parent until one of them is cancelled; make children for
 * bounded pieces of work, not one per request on a parent that lives for ever.
 */
public final class CancellationToken {
    private final Notify notify = new Notify();
    private final CancellationToken parent;
    // Guarded by this.
    private boolean cancelled;
    private List<CancellationToken> children;

    /** A new token, not cancelled. */
    public CancellationToken() {
        this(null);
    }

    private CancellationToken(CancellationToken parent) {
        this.parent = parent;
    }

    /** A token that is cancelled when this one is (at once, if this one already is). */
    public CancellationToken child() {
        CancellationToken c = new CancellationToken(this);
        synchronized (this) {
            if (!cancelled) {
                if (children == null) {
                    children = new ArrayList<>(2);
                }
                children.add(c);
                return c;
            }
        }
        c.cancel();
        return c;
    }

    /** Whether this token is cancelled. */
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Cancels this token and all its descendants, and wakes everyone awaiting {@link #cancelled()}. Idempotent. */
    public void cancel() {
        List<CancellationToken> kids;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            kids = children;
            children = null;
        }
        notify.notifyWaiters();
        if (kids != null) {
            for (CancellationToken c : kids) {
                c.cancel();
            }
        }
        CancellationToken p = parent;
        if (p != null) {
            p.forget(this); // a cancelled child no longer needs its parent to reach it
        }
    }

    private synchronized void forget(CancellationToken child) {
        if (children != null) {
            children.remove(child);
        }
    }

    /**
     * A future that completes when this token is cancelled. <b>Cancel safety:</b> cancel-safe; it only
     * watches.
     */
    public Future<Void> cancelled() {
        return new Future<>() {
            private Future<Void> notified;

            @Override
            public Object poll(Context cx) {
                if (isCancelled()) {
                    return null;
                }
                if (notified == null) {
                    notified = notify.notified(); // made before the second look, so a cancel in between counts
                    if (isCancelled()) {
                        return null;
                    }
                }
                return notified.poll(cx) == PENDING ? PENDING : null;
            }

            @Override
            public void cancel() {
                if (notified != null) {
                    notified.cancel();
                }
            }
        };
    }

    @Override
    public String toString() {
        return "CancellationToken[" + (isCancelled() ? "cancelled" : "active") + "]";
    }
}
