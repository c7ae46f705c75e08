package dev.weft.runtime;

import java.time.Duration;
import java.util.List;

/**
 * How a runtime runs its tasks: one implementation per flavour (current-thread and multi-thread
 * work-stealing). The scheduler knows tasks, threads and the park stack, never sockets or timers.
 */
interface Scheduler extends Schedule {

    /** Queues a newly spawned {@code task} (SCHEDULED), placing it to balance load. Any thread. */
    void spawn(Task<?> task);

    /**
     * Runs {@code root} (registered, SCHEDULED) on the calling thread until it completes; the runtime's
     * tasks run meanwhile (on this thread for the current-thread flavour, on the workers otherwise).
     */
    void blockOn(Task<?> root);

    /**
     * Runs the cancelled tasks until the registry is empty or {@code deadline} passes. The caller has
     * closed the registry and aborted every task.
     */
    void drainForShutdown(Duration deadline);

    /** Whether the calling thread is one that this scheduler runs tasks on right now. */
    boolean isRuntimeThread();

    /** Checks that the calling thread may close the runtime; throws a clear error otherwise. */
    void checkCloseAllowed();

    /** Called once every task has ended after a shutdown began (from whichever thread ended the last). */
    void shutdownComplete();

    /**
     * Whether every thread that runs this scheduler's tasks (and any {@code blockOn} future) is waiting
     * for work and no task is queued: the idleness a paused clock's auto-advance waits for. Racy; the
     * time driver asks under its lock.
     */
    boolean isIdle();

    /** Per-worker counters; empty for a flavour without workers. */
    List<WorkerInfo> workers();
}
