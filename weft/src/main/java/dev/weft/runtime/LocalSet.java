package dev.weft.runtime;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.internal.ThreadContext;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A set of tasks that run only on the one thread that drives the set: for futures that hold
 * thread-confined state (a non-thread-safe client, a {@code ThreadLocal}-bound resource, a UI toolkit
 * object) even before their first poll.
 *
 * <pre>{@code
 * LocalSet local = new LocalSet();
 * String out = rt.blockOn(local.runUntil(Weft.async(() -> {
 *     JoinHandle<String> h = Weft.spawnLocal(Weft.async(() -> confinedClient.call().await()));
 *     return h.await();
 * })));
 * }</pre>
 *
 * <p><b>What this adds beyond homing.</b> Every started async block is already homed to the thread
 * it started on. But a spawned task's first poll may happen on any worker, so a task must not touch
 * thread-confined state created before it starts; and a hand-written future is never homed at all.
 * A local task is polled only by the set's driver, on the set's thread, from its first poll to its
 * last. And you drive the set yourself, inside a task or a {@code blockOn} of your choosing, so
 * you decide which thread that is.
 *
 * <p><b>Driving.</b> {@link #runUntil(Future)} returns a future that polls the given future and, on
 * each of its polls, up to {@value #TASKS_PER_DRIVE} ready local tasks. The set is bound to the first
 * thread that drives it; driving it from another thread fails. The task that drives it is homed to
 * that thread. Local tasks left when {@code runUntil}'s future completes stay in the set for the next
 * drive; nothing runs them in between.
 *
 * <p>Local tasks are tasks of the runtime that drives the set (they are listed, counted, and cancelled
 * when it shuts down: their cancellation is delivered the next time the set is driven, or when the
 * driving future is cancelled). {@code Weft.spawn} inside a local task spawns an ordinary task on that
 * runtime; {@code Weft.spawnLocal} spawns onto the set.
 */
public final class LocalSet {
    /** Local tasks polled per poll of the driver at most, before it yields to its own runtime. */
    static final int TASKS_PER_DRIVE = 61;

    private final ArrayDeque<Task<?>> ready = new ArrayDeque<>(); // guarded by this
    private final LocalSchedule schedule = new LocalSchedule();
    private final ThreadBinding binding = new ThreadBinding();
    private volatile Handle handle;
    private volatile Waker driver;

    /** An empty set, bound to no thread yet. */
    public LocalSet() {
    }

    /**
     * The set being driven on this thread (what {@code Weft.spawnLocal} spawns onto).
     *
     * @throws IllegalStateException if no set is being driven here
     */
    public static LocalSet currentOrFail() {
        if (ThreadContext.current().localSet instanceof LocalSet set) {
            return set;
        }
        throw new IllegalStateException("Weft.spawnLocal() was called where no LocalSet is being driven. Run the"
                + " code inside set.runUntil(...), or call set.spawnLocal(...) on the set itself.");
    }

    /**
     * Spawns {@code future} onto this set: it will be polled only on the set's thread, when the set is
     * driven. Callable from any thread that is inside a runtime, or any thread once the set has been
     * driven.
     *
     * @throws IllegalStateException if the set has never been driven and the caller is outside a runtime
     */
    public <T> JoinHandle<T> spawnLocal(Future<T> future) {
        Objects.requireNonNull(future, "future");
        Handle h = handle;
        if (h == null) {
            h = Handle.tryCurrent().orElseThrow(() -> new IllegalStateException("spawnLocal() on a LocalSet that"
                    + " has never been driven, outside any runtime: local tasks belong to a runtime. Call it"
                    + " inside a task or blockOn, or drive the set first (rt.blockOn(set.runUntil(...)))."));
        }
        Task<T> task = new Task<>(future, h);
        task.schedule = schedule;
        JoinHandle<T> joinHandle = task.newJoinHandle();
        if (!h.registry.add(task)) {
            task.completeUnstarted("the runtime '" + h.name() + "' is shut down; the local task was never started");
            return joinHandle;
        }
        schedule.schedule(task); // SCHEDULED is set from creation: queue it
        return joinHandle;
    }

    /**
     * A future that drives this set while it polls {@code future}, and completes with its output.
     * See the class description for the rules.
     *
     * <p><b>Cancel safety:</b> cancelling it cancels {@code future} and delivers pending cancellations
     * to the local tasks; other local tasks stay in the set.
     */
    public <T> Future<T> runUntil(Future<T> future) {
        return new Driver<>(Objects.requireNonNull(future, "future"));
    }

    private void bind(ThreadContext tc) {
        boolean first = binding.bindOrCheck("LocalSet", "runUntil()", "Its tasks may hold state confined to that"
                + " thread: drive it only there.");
        if (first) {
            handle = tc.runtime instanceof Handle h ? h : null;
            if (tc.task != null) {
                tc.task.continuationStarted(); // home the driving task: the set stays on this thread
            }
        }
    }

    /** Polls up to {@link #TASKS_PER_DRIVE} ready local tasks; returns whether more are ready. */
    private boolean runReady(ThreadContext tc) {
        for (int i = 0; i < TASKS_PER_DRIVE; i++) {
            Task<?> t;
            synchronized (this) {
                t = ready.pollFirst();
            }
            if (t == null) {
                return false;
            }
            t.run(tc);
        }
        synchronized (this) {
            return !ready.isEmpty();
        }
    }

    private final class Driver<T> implements Future<T> {
        private final Future<T> inner;

        Driver(Future<T> inner) {
            this.inner = inner;
        }

        @Override
        public Object poll(Context cx) {
            ThreadContext tc = ThreadContext.current();
            bind(tc);
            driver = cx.waker();
            Object outer = tc.localSet;
            tc.localSet = LocalSet.this;
            try {
                Object r = inner.poll(cx);
                if (r != PENDING) {
                    return r;
                }
                if (runReady(tc)) {
                    cx.waker().wake(); // more local work: come back after the runtime's other tasks
                }
                return PENDING;
            } finally {
                tc.localSet = outer;
            }
        }

        @Override
        public void cancel() {
            ThreadContext tc = ThreadContext.current();
            Object outer = tc.localSet;
            tc.localSet = LocalSet.this;
            try {
                inner.cancel();
                if (binding.owner == Thread.currentThread()) {
                    while (runReady(tc)) {
                        // deliver what is queued, aborts included
                    }
                }
            } finally {
                tc.localSet = outer;
            }
        }
    }

    /** Whether {@code task} is a local task of some set. */
    static boolean isLocal(Task<?> task) {
        return task.schedule instanceof LocalSchedule;
    }

    /** Where local tasks go when woken: the set's queue, and a wake of whoever drives the set. */
    private final class LocalSchedule implements Schedule {
        @Override
        public void schedule(Task<?> task) {
            synchronized (LocalSet.this) {
                ready.addLast(task);
            }
            Waker d = driver;
            if (d != null) {
                d.wake();
            }
        }

        @Override
        public void scheduleBack(Task<?> task) {
            schedule(task);
        }

        @Override
        public Object homeHere(Task<?> task) {
            return null; // every local task runs on the set's one thread
        }
    }
}
