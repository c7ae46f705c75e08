package dev.weft.runtime;

import dev.weft.Future;
import dev.weft.internal.ThreadContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A reference to a runtime that can spawn onto it and enter it, and that code running inside the
 * runtime finds with {@link #current()}. Cheap to copy around; it does not keep the runtime open.
 */
public final class Handle {
    private static final System.Logger LOG = System.getLogger("dev.weft.runtime");

    final Scheduler scheduler;
    final TaskRegistry registry = new TaskRegistry();
    private final String name;
    private final BiConsumer<TaskInfo, Throwable> onUnobservedFailure;
    private volatile boolean shuttingDown;

    Handle(String name, Scheduler scheduler, BiConsumer<TaskInfo, Throwable> onUnobservedFailure) {
        this.name = name;
        this.scheduler = scheduler;
        this.onUnobservedFailure = onUnobservedFailure;
    }

    /**
     * The runtime whose task (or {@code blockOn}) is running on this thread.
     *
     * @throws IllegalStateException outside any runtime
     */
    public static Handle current() {
        return tryCurrent().orElseThrow(() -> new IllegalStateException("There is no Weft runtime on thread '"
                + Thread.currentThread().getName() + "'. Weft.spawn and Handle.current() work inside a task or"
                + " a blockOn; from outside, use runtime.spawn(...) or keep runtime.handle()."));
    }

    /** The runtime whose task (or {@code blockOn}) is running on this thread, if any. */
    public static Optional<Handle> tryCurrent() {
        return ThreadContext.current().runtime instanceof Handle h ? Optional.of(h) : Optional.empty();
    }

    /**
     * Spawns {@code future} as a task on this runtime and returns its handle. The task is queued at once
     * and runs when the runtime is driven; nothing in it runs inside this call. On a runtime that is
     * shutting down the task never runs and its handle reports cancellation. Callable from any thread.
     *
     * <p>Cost: one task object, one handle, a registry insert and a queue push.
     */
    public <T> JoinHandle<T> spawn(Future<T> future) {
        Objects.requireNonNull(future, "future");
        Task<T> task = new Task<>(future, this);
        JoinHandle<T> handle = task.newJoinHandle();
        if (!registry.add(task)) {
            task.completeUnstarted("the runtime '" + name + "' is shut down; the task was never started");
            return handle;
        }
        scheduler.spawn(task);
        return handle;
    }

    /**
     * Runs {@code future} to completion on the calling thread, driving this runtime's tasks meanwhile,
     * and returns its output (or throws its failure: the same object, with one suppressed
     * {@link AsyncTrace}). See {@link Runtime#blockOn(Future)}.
     */
    public <T> T blockOn(Future<T> future) {
        Objects.requireNonNull(future, "future");
        if (ThreadContext.current().runtime != null) {
            throw new IllegalStateException("blockOn() was called from inside a Weft runtime (in a task, or on"
                    + " a worker thread): it would block the thread that runs the tasks it waits for. Await the"
                    + " future instead, or spawn it.");
        }
        Task<T> root = new Task<>(future, this);
        if (!registry.add(root)) {
            throw new IllegalStateException("The runtime '" + name + "' is shut down; it cannot run a blockOn.");
        }
        try {
            scheduler.blockOn(root);
        } catch (RuntimeException | Error e) {
            if (!root.isComplete()) {
                registry.remove(root); // refused before it ran (e.g. the wrong thread): leave no trace
            }
            throw e;
        }
        return root.joinOutcome();
    }

    /** A snapshot of every live task of this runtime: the hook that observability builds on. */
    public List<TaskInfo> tasks() {
        return registry.snapshot().stream().map(Task::info).toList();
    }

    /** A snapshot of each worker's counters; empty for a current-thread runtime. */
    public List<WorkerInfo> workers() {
        return scheduler.workers();
    }

    /** This runtime's name (thread names and logs use it). */
    public String name() {
        return name;
    }

    boolean isShuttingDown() {
        return shuttingDown;
    }

    /** Closes the registry and aborts every task; idempotent. Returns false if already shutting down. */
    boolean beginShutdown() {
        synchronized (this) {
            if (shuttingDown) {
                return false;
            }
            shuttingDown = true;
        }
        registry.close();
        for (Task<?> t : registry.snapshot()) {
            t.abort();
        }
        if (registry.size() == 0) {
            scheduler.shutdownComplete();
        }
        return true;
    }

    /** How many leftover tasks are logged with their stacks; the rest are only counted. */
    static final int LEFTOVERS_LOGGED = 20;

    /**
     * Logs the tasks still registered, each with its suspended stack when it has one: the first
     * {@value #LEFTOVERS_LOGGED} in full, then one line with the count (a million stacks would take
     * minutes to log and bury the first ones).
     */
    void logLeftovers(String when) {
        List<Task<?>> left = registry.snapshot();
        for (Task<?> t : left.subList(0, Math.min(LEFTOVERS_LOGGED, left.size()))) {
            TaskInfo info = t.info();
            Throwable where = new Throwable("task " + info.id() + " (body " + info.body() + ", " + info.state()
                    + ") is " + when);
            StackTraceElement[] stack = t.suspendedStack();
            where.setStackTrace(stack != null ? stack : new StackTraceElement[0]);
            LOG.log(System.Logger.Level.WARNING, "runtime '" + name + "': task " + info.id() + " did not finish"
                    + " unwinding before the shutdown deadline" + (stack != null ? "; it is suspended at:" : ""), where);
        }
        if (left.size() > LEFTOVERS_LOGGED) {
            LOG.log(System.Logger.Level.WARNING, "runtime '" + name + "': " + (left.size() - LEFTOVERS_LOGGED)
                    + " more tasks did not finish unwinding before the shutdown deadline");
        }
    }

    void reportUnobserved(TaskInfo task, Throwable failure) {
        try {
            onUnobservedFailure.accept(task, failure);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "the unobserved-failure handler of runtime '" + name + "' threw", t);
        }
    }

    static void logUnobserved(TaskInfo task, Throwable failure) {
        LOG.log(System.Logger.Level.WARNING, "task " + task.id() + " (body " + task.body() + ") failed and nobody"
                + " awaited its JoinHandle", failure);
    }

    @Override
    public String toString() {
        return "Handle[" + name + "]";
    }
}
