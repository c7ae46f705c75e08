package dev.weft;

import dev.weft.internal.ThreadContext;

/**
 * The cooperative budget (DESIGN.md section 3): how a task that keeps finding its futures ready is
 * made to give its thread up now and then.
 *
 * <p>Each poll of a task starts with {@value #BUDGET} units. Leaf futures that can be ready again and
 * again (a channel receive, a socket read, a {@code JoinHandle}) spend one unit per poll through
 * {@link #proceed(Context)}. When the task has spent them all, {@code proceed} wakes the task and
 * returns false, and the future returns {@link Future#PENDING} although it could have made progress:
 * the task ends its poll, goes to the back of its worker's queue (never to the next-to-run slot),
 * and runs again once the tasks ready before it have had their turn. Without this, a loop over an
 * always-ready stream would hold its worker forever and starve every other task there.
 *
 * <p>Code that is not polled by a runtime's task (a future polled by hand, a blocking-pool thread) has
 * no budget: {@code proceed} always returns true. {@link Weft#unconstrained(Future)} opts a future
 * out.
 *
 * <p>How a leaf future uses it:
 * <pre>{@code
 * public Object poll(Context cx) {
 *     if (!Coop.proceed(cx)) {
 *         return PENDING;              // out of budget: the task was woken, it yields now
 *     }
 *     Object item = queue.poll();
 *     if (item == null) {
 *         Coop.refund();               // no progress: the unit goes back
 *         registerWaker(cx.waker());
 *         return PENDING;
 *     }
 *     return item;
 * }
 * }</pre>
 *
 * <p>Cost: a field read and a decrement per call.
 */
public final class Coop {
    /** Units a task starts each poll with (Tokio's figure). */
    public static final int BUDGET = 128;

    private Coop() {
    }

    /**
     * Spends one unit of the current task's budget. Returns true if the caller may go on; false if the
     * budget is spent, in which case the task has been woken and the caller must return
     * {@link Future#PENDING} without doing its work.
     */
    public static boolean proceed(Context cx) {
        ThreadContext tc = ThreadContext.current();
        if (tc.task == null || tc.unconstrained) {
            return true;
        }
        if (tc.budget > 0) {
            tc.budget--;
            return true;
        }
        tc.budgetYields++;
        cx.waker().wake();
        return false;
    }

    /** Gives back the unit of the last {@link #proceed} whose operation turned out to be pending. */
    public static void refund() {
        ThreadContext tc = ThreadContext.current();
        if (tc.task != null && !tc.unconstrained && tc.budget < BUDGET) {
            tc.budget++;
        }
    }

    /** Units left in the current task's poll ({@value #BUDGET} outside a task); for tests and metrics. */
    public static int remaining() {
        ThreadContext tc = ThreadContext.current();
        return tc.task == null || tc.unconstrained ? BUDGET : tc.budget;
    }

    /** The future behind {@link Weft#unconstrained}: polls its inner future with no budget. */
    static final class Unconstrained<T> implements Future<T> {
        private final Future<T> inner;

        Unconstrained(Future<T> inner) {
            this.inner = inner;
        }

        @Override
        public Object poll(Context cx) {
            ThreadContext tc = ThreadContext.current();
            boolean outer = tc.unconstrained;
            tc.unconstrained = true;
            try {
                return inner.poll(cx);
            } finally {
                tc.unconstrained = outer;
            }
        }

        @Override
        public void cancel() {
            inner.cancel();
        }
    }
}
