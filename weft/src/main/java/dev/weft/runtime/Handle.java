package dev.weft.runtime;

import dev.weft.Future;
import dev.weft.internal.JfrEvents;
import dev.weft.internal.RuntimeServices;
import dev.weft.internal.SpanHooks;
import dev.weft.internal.ThreadContext;
import dev.weft.io.Reactor;
import dev.weft.time.Clock;
import dev.weft.time.TimeDriver;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * A reference to a runtime that can spawn onto it and enter it, and that code running inside the
 * runtime finds with {@link #current()}. Cheap to copy around; it does not keep the runtime open.
 */
public final class Handle implements RuntimeServices {
    private static final System.Logger LOG = System.getLogger("dev.weft.runtime");

    final Scheduler scheduler;
    final TaskRegistry registry = new TaskRegistry();
    private final String name;
    private final BiConsumer<TaskInfo, Throwable> onUnobservedFailure;
    private volatile boolean shuttingDown;

    /** The blocking pool; replaced by the builder's configuration before the runtime is handed out. */
    BlockingPool blocking;

    /** Whether spawns record their source line ({@link Runtime.Builder#captureSpawnLocations}). */
    boolean captureSpawnLocations;

    /** The time layer of this runtime's park stack; set by the builder (null in bare test handles). */
    TimeDriver time;

    /** This runtime's clock, which its timers run on. */
    public Clock clock() {
        return time.clock();
    }

    /**
     * Whether nothing is ready or running anywhere in the runtime, the blocking pool included: when a
     * paused clock may auto-advance. Racy; the time driver asks under its lock, and only while paused.
     */
    boolean isIdle() {
        return scheduler.isIdle() && blocking.isIdle();
    }

    /** The I/O drivers of this runtime's park stacks; set by the builder (null with a test's driver). */
    Reactor io;

    /** Not API: the runtime's I/O drivers (a {@link Reactor}), for sockets. */
    @Override
    public Object ioDriver() {
        return io;
    }

    /** Not API: the runtime's time driver, for the time futures. */
    @Override
    public Object timeDriver() {
        return time;
    }

    Handle(String name, Scheduler scheduler, BiConsumer<TaskInfo, Throwable> onUnobservedFailure) {
        this.name = name;
        this.scheduler = scheduler;
        this.onUnobservedFailure = onUnobservedFailure;
        this.blocking = new BlockingPool(this, Runtime.Builder.DEFAULT_MAX_BLOCKING_THREADS,
                Runtime.Builder.DEFAULT_BLOCKING_KEEP_ALIVE.toNanos(), name);
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
        return spawn(null, future);
    }

    /**
     * {@link #spawn(Future)}, with a name the task is shown by: in {@link #tasks()}, the task dump,
     * failures' async traces and the console.
     *
     * @param name the task's name; null for none
     */
    public <T> JoinHandle<T> spawn(String name, Future<T> future) {
        Objects.requireNonNull(future, "future");
        Task<T> task = new Task<>(future, this, name);
        JoinHandle<T> handle = task.newJoinHandle();
        if (!registry.add(task)) {
            task.completeUnstarted("the runtime '" + this.name + "' is shut down; the task was never started");
            return handle;
        }
        if (JfrEvents.SPAWN_PROBE.isEnabled()) {
            task.emitSpawnEvent();
        }
        scheduler.spawn(task);
        return handle;
    }

    /**
     * Runs {@code work} on this runtime's blocking pool and returns a handle to its result. It starts
     * at once (not when the handle is awaited), on a pool thread made on demand, or queued when the
     * pool is at its cap ({@link Runtime.Builder#maxBlockingThreads}). Use it for calls that block a
     * thread: file and JDBC calls, {@code Thread.sleep}, code you do not control. Inside {@code work},
     * {@code Weft.spawn} and {@code Handle.current().blockOn} work; {@code await} does not.
     *
     * <p>{@link JoinHandle#abort()} before a pool thread has started the work means it never runs; a
     * running call is not interrupted: it runs to the end and its output is dropped. On a runtime that
     * is shutting down the work never runs and the handle reports cancellation.
     *
     * <p>Cost: a task, a handle and a queue hand-off; a thread start when no pool thread is idle.
     */
    public <T> JoinHandle<T> spawnBlocking(Callable<T> work) {
        BlockingCall<T> call = new BlockingCall<>(Objects.requireNonNull(work, "work"));
        JoinHandle<T> handle = spawn(call);
        if (!handle.isFinished()) {
            try {
                blocking.execute(new BlockingPool.Job(call::run, call.description()));
            } catch (RejectedExecutionException e) {
                handle.abort(); // shutting down: the task completes as cancelled, the work never runs
            }
        }
        return handle;
    }

    /**
     * Starts {@code work} on this runtime's blocking pool at once and returns a future of its result,
     * without a task of its own: what {@code Weft.blockInPlace} awaits, so that the awaiting block is
     * suspended while the work blocks a pool thread instead of a worker. The caller's task-locals
     * ({@link dev.weft.TaskLocal}) and current span ({@link dev.weft.trace.Span}) are in effect while the
     * work runs.
     *
     * <p><b>Cancel safety:</b> dropping the future before a pool thread has started the work means it
     * never runs; a running call runs to the end and its output is dropped.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is shut down
     */
    @Override
    public <T> Future<T> runBlocking(Callable<T> work) {
        BlockingCall<T> call = new BlockingCall<>(Objects.requireNonNull(work, "work"));
        ThreadContext caller = ThreadContext.current();
        Object taskLocals = caller.taskLocals; // task-locals and the span come along
        Object span = caller.span;
        blocking.execute(new BlockingPool.Job(() -> {
            ThreadContext tc = ThreadContext.current();
            tc.taskLocals = taskLocals;
            tc.span = span;
            if (span != null) {
                SpanHooks.entered(span);
            }
            try {
                call.run();
            } finally {
                if (span != null) {
                    SpanHooks.exited(span);
                }
                tc.span = null;
                tc.taskLocals = null;
            }
        }, call.description()));
        return call;
    }

    /**
     * Runs {@code future} to completion on the calling thread, driving this runtime's tasks meanwhile,
     * and returns its output (or throws its failure: the same object, with one suppressed
     * {@link AsyncTrace}). See {@link Runtime#blockOn(Future)}.
     */
    public <T> T blockOn(Future<T> future) {
        Objects.requireNonNull(future, "future");
        ThreadContext tc = ThreadContext.current();
        if (tc.runtime != null && !tc.blockingPool) {
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

    /**
     * Every live task of this runtime with its counters and, for each async block that is suspended,
     * the stack it is suspended at: where in its own code it is waiting. Callable from any thread, and
     * while the runtime runs: a suspended block is claimed for the moment its stack is read (a wake
     * that arrives then waits for the read), and a task that is running or scheduled is listed without
     * a stack, since its stack belongs to a thread that is using it.
     *
     * <p>Cost: one registry snapshot, and a walk of each suspended block's stack (some microseconds per
     * task; about a second for a few hundred thousand). For a debugging endpoint or a shutdown log,
     * not for a hot path.
     */
    public List<TaskDump> dumpTasks() {
        return registry.snapshot().stream().map(Task::dump).toList();
    }

    /**
     * One task's entry of {@link #dumpTasks()}, found by id: its stats and, if it is a suspended async
     * block, its suspended stack. Empty if no live task has that id. Cost: a registry snapshot and one
     * stack walk.
     */
    public Optional<TaskDump> dumpTask(long id) {
        for (Task<?> t : registry.snapshot()) {
            if (t.id == id) {
                return Optional.of(t.dump());
            }
        }
        return Optional.empty();
    }

    /** A snapshot of each worker's counters; empty for a current-thread runtime. */
    public List<WorkerInfo> workers() {
        return scheduler.workers();
    }

    /**
     * A snapshot of the runtime's counters: workers, queue depths, steals, parks, budget-forced
     * yields, homed tasks per worker, the blocking pool, blocking reports and pinned awaits. Callable
     * from any thread; it takes each registry shard's lock once (to count live tasks) and the blocking
     * pool's lock, and nothing the workers wait on.
     */
    public RuntimeMetrics metrics() {
        List<WorkerInfo> ws = scheduler.workers();
        long polls = 0;
        long steals = 0;
        long parks = 0;
        long budgetYields = 0;
        for (WorkerInfo w : ws) {
            polls += w.polls();
            steals += w.steals();
            parks += w.parks();
            budgetYields += w.budgetYields();
        }
        MultiThreadScheduler multi = scheduler instanceof MultiThreadScheduler m ? m : null;
        BlockingDetector detector = multi != null ? multi.detector : null;
        return new RuntimeMetrics(name, multi != null, ws, registry.size(), multi != null ? multi.inject.size() : 0,
                polls, steals, parks, budgetYields, blocking.threads(), blocking.idleThreads(), blocking.queued(),
                detector != null ? detector.reportCount() : 0, JfrEvents.PINNED_AWAITS.sum());
    }

    /**
     * The watchdog's most recent blocking reports (up to 64), oldest first; empty on a current-thread
     * runtime or with the watchdog off. The same reports go to {@link Runtime.Builder#onBlocking}.
     */
    public List<BlockingReport> blockingReports() {
        return scheduler instanceof MultiThreadScheduler m && m.detector != null ? m.detector.recent() : List.of();
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
        List<Task<?>> all = registry.snapshot();
        // Local tasks first: their cancellation is delivered by the set's driving task, so it must be
        // queued in the set before that task is cancelled (cancelled first, the driver delivered what was
        // queued then and ended, and a local task aborted after it was never run: a 10 s close).
        for (Task<?> t : all) {
            if (LocalSet.isLocal(t)) {
                t.abort();
            }
        }
        for (Task<?> t : all) {
            if (!LocalSet.isLocal(t)) {
                t.abort();
            }
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
