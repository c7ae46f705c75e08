package dev.weft.runtime;

import java.time.Duration;

/**
 * How a runtime runs its tasks: one implementation per flavour (current-thread now; the multi-thread
 * work-stealing scheduler next). The scheduler knows tasks and threads, never sockets or timers.
 */
interface Scheduler {

    /** Queues {@code task}, whose SCHEDULED bit the caller just set. Any thread. */
    void schedule(Task<?> task);

    /** Runs {@code root} (registered, SCHEDULED) and the runtime's tasks until {@code root} completes. */
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
}
