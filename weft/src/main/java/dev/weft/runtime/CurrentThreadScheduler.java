package dev.weft.runtime;

import dev.weft.internal.Park;
import dev.weft.internal.ThreadContext;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The current-thread scheduler: every task runs on the one thread that drives the runtime, inside
 * {@code blockOn} (or {@code close}). The runtime is bound to the first thread that drives it, because
 * a started async block may only resume on the thread it started on.
 *
 * <p>Order is deterministic for work that stays on the thread: the {@code blockOn} future is polled
 * first, then tasks in FIFO order; a task woken (or yielding) goes to the back. Wakes from other
 * threads go to an inject queue, which the driver checks every {@value #INJECT_INTERVAL} polls and
 * whenever its own queue is empty, and unpark the driver.
 *
 * <p>A task that yields waits until every other ready task, local and remote, has run and the driver
 * has been polled, so it runs after the events that were ready when it yielded. Parking goes through
 * the {@link Park} stack: the driver if the runtime has one (then it is also polled with a zero timeout
 * every {@value #INJECT_INTERVAL} polls), else a plain {@link ThreadPark}.
 *
 * <p>Threads: {@link #local} and {@link #deferred} are touched only by the owner thread;
 * {@link #inject} and {@link #park} by anyone. A task is in at most one queue (its SCHEDULED bit).
 */
final class CurrentThreadScheduler implements Scheduler {
    /** A prime, as in Tokio: remote work is looked at regularly without a fixed beat against local work. */
    static final int INJECT_INTERVAL = 61;

    private final ArrayDeque<Task<?>> local = new ArrayDeque<>();
    private final ArrayDeque<Task<?>> deferred = new ArrayDeque<>();
    private final TaskQueue inject = new TaskQueue();
    private final Park driver;
    private final Park park;
    private final ThreadBinding binding = new ThreadBinding();
    private Handle handle;
    private int tick;
    /**
     * True while the owner thread waits for work (set before it looks at the clock and parks); cleared
     * when it resumes, and by any task it queues for itself meanwhile (a timer it fires). Read by the
     * idle probe of auto-advance.
     */
    private volatile boolean waiting;
    /** The driving thread's interrupt status, set aside while it drives (owner thread only). */
    private boolean interruptedWhileDriving;

    CurrentThreadScheduler(Park driver) {
        this.driver = driver;
        this.park = driver != null ? driver : new ThreadPark();
    }

    void bindHandle(Handle handle) {
        this.handle = handle;
    }

    @Override
    public void schedule(Task<?> task) {
        if (Thread.currentThread() == binding.owner) {
            local.addLast(task);
            if (waiting) {
                waiting = false; // a timer fired by this thread while it waits: not idle any more
            }
        } else {
            inject.push(task);
            park.unpark();
        }
    }

    @Override
    public void scheduleBack(Task<?> task) {
        if (Thread.currentThread() == binding.owner) {
            deferred.addLast(task); // after every ready task, local and remote, and the driver's poll
        } else {
            schedule(task);
        }
    }

    @Override
    public void spawn(Task<?> task) {
        schedule(task);
    }

    @Override
    public Object homeHere(Task<?> task) {
        return null; // every task runs on the one bound thread
    }

    @Override
    public void shutdownComplete() {
        // The bound thread is the only one; it notices by itself.
    }

    @Override
    public List<WorkerInfo> workers() {
        return List.of();
    }

    @Override
    public boolean isRuntimeThread() {
        return ThreadContext.current().runtime == handle;
    }

    /** Binds the runtime to the calling thread, or checks that it is the bound one. */
    private void bindOwner(String operation) {
        binding.bindOrCheck("current-thread runtime", operation, "Its suspended tasks can only resume on that"
                + " thread. Call it there, use a multi-thread runtime, or (to stop it from elsewhere) call"
                + " shutdownBackground().");
    }

    @Override
    public void blockOn(Task<?> root) {
        bindOwner("blockOn()");
        ThreadContext tc = ThreadContext.current();
        Object outerRuntime = tc.runtime;
        long outerClock = tc.recentNanos;
        tc.runtime = handle;
        tc.recentNanos = System.nanoTime(); // the spawn clock, kept fresh while this thread drives
        try {
            root.run(tc); // the blockOn future first
            while (!root.isComplete()) {
                if (!runOne(tc)) {
                    waitForWork(-1);
                }
            }
            if (handle.isShuttingDown()) {
                // shutdownBackground() was called: unwind what it cancelled before leaving.
                runUntilEmpty(tc, System.nanoTime() + Runtime.DEFAULT_CLOSE_DEADLINE.toNanos());
            }
        } finally {
            tc.runtime = outerRuntime;
            tc.recentNanos = outerClock;
            restoreInterrupt();
        }
    }

    @Override
    public void checkCloseAllowed() {
        Thread o = binding.owner;
        if (o != null && o != Thread.currentThread()) {
            bindOwner("close()"); // throws the explanation
        }
    }

    @Override
    public void drainForShutdown(Duration deadline) {
        bindOwner("close()");
        ThreadContext tc = ThreadContext.current();
        Object outerRuntime = tc.runtime;
        long outerClock = tc.recentNanos;
        tc.runtime = handle;
        tc.recentNanos = System.nanoTime();
        try {
            runUntilEmpty(tc, System.nanoTime() + deadline.toNanos());
        } finally {
            tc.runtime = outerRuntime;
            tc.recentNanos = outerClock;
            restoreInterrupt();
        }
    }

    private void runUntilEmpty(ThreadContext tc, long deadlineNanos) {
        while (handle.registry.size() > 0) {
            if (!runOne(tc)) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                waitForWork(left);
            }
        }
    }

    @Override
    public boolean isIdle() {
        return waiting && inject.isEmpty();
    }

    /** Out of work: lets a paused clock jump to the next timer if nothing else is going on, or parks. */
    private void waitForWork(long nanos) {
        waiting = true;
        if (!handle.time.autoAdvanceIfIdle()) {
            park(nanos);
            ThreadContext.current().recentNanos = System.nanoTime(); // the spawn clock, fresh after a park
        }
        waiting = false;
    }

    /**
     * Parks until woken. An interrupt (from outside, or re-asserted by a task) would make every park
     * return at once and the driver spin, so it is cleared here and restored when the driver leaves.
     */
    private void park(long nanos) {
        if (Thread.interrupted()) {
            interruptedWhileDriving = true;
        }
        if (park.park(nanos)) {
            interruptedWhileDriving = true;
        }
    }

    private void restoreInterrupt() {
        if (interruptedWhileDriving) {
            interruptedWhileDriving = false;
            Thread.currentThread().interrupt();
        }
    }

    /** Polls the next ready task; false if there was none. */
    private boolean runOne(ThreadContext tc) {
        Task<?> task = next();
        if (task == null) {
            return false;
        }
        task.run(tc);
        return true;
    }

    private Task<?> next() {
        if (++tick % INJECT_INTERVAL == 0) {
            pollDriver();
            Task<?> remote = inject.pop();
            if (remote != null) {
                return remote;
            }
        }
        Task<?> t = local.pollFirst();
        if (t == null) {
            t = inject.pop();
        }
        if (t == null && !deferred.isEmpty()) {
            pollDriver();
            t = local.pollFirst();
        }
        return t;
    }

    /** Lets the driver process ready events without waiting, then releases the yielded tasks. */
    private void pollDriver() {
        if (driver != null && driver.park(0)) {
            interruptedWhileDriving = true;
        }
        local.addAll(deferred);
        deferred.clear();
    }
}
