package dev.weft.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A worker's mailbox: tasks that other threads send to one worker (homed tasks woken elsewhere, and
 * spawns that placement gave it). Any thread pushes; only the owning worker takes, and it takes
 * everything at once.
 *
 * <p>A lock-free stack (Treiber) linked through {@link Task#queueNext}: a push is one CAS and allocates
 * nothing; {@link #drain()} is one atomic swap, after which the owner reverses the batch into arrival
 * order and handles it without touching shared memory again. The locked queue this replaced made a
 * busy producer and its consumer contend for one monitor per task (measured: about a sixth of the
 * time of 10,000 spawns from outside went to monitor contention).
 *
 * <p>Each pushed task records the stack's depth at its push ({@link Task#mailboxDepth}), so
 * {@link #size()} is one read of the top. A task is in at most one queue at a time (its SCHEDULED bit),
 * which is what makes the intrusive link safe.
 */
final class Mailbox {
    private static final VarHandle TOP;

    static {
        try {
            TOP = MethodHandles.lookup().findVarHandle(Mailbox.class, "top", Task.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The newest task; older ones follow through {@link Task#queueNext}. */
    private volatile Task<?> top;

    /** Adds {@code task}. Any thread. */
    void push(Task<?> task) {
        Task<?> t;
        do {
            t = top;
            task.queueNext = t;
            task.mailboxDepth = t == null ? 1 : t.mailboxDepth + 1;
        } while (!TOP.compareAndSet(this, t, task));
    }

    /**
     * Owner only: takes every task, and returns the oldest, with the rest following it in arrival order
     * through {@link Task#queueNext} (the caller clears the links as it goes); null if there are none.
     */
    Task<?> drain() {
        if (top == null) {
            return null;
        }
        Task<?> t = (Task<?>) TOP.getAndSet(this, null);
        Task<?> oldestFirst = null;
        while (t != null) {
            Task<?> older = t.queueNext;
            t.queueNext = oldestFirst;
            oldestFirst = t;
            t = older;
        }
        return oldestFirst;
    }

    /** About how many tasks are waiting; may be stale by the time the caller looks. Any thread. */
    int size() {
        Task<?> t = top;
        return t == null ? 0 : t.mailboxDepth;
    }

    /** Whether no task is waiting. Any thread. */
    boolean isEmpty() {
        return top == null;
    }
}
