package dev.weft.runtime;

/**
 * Where a task goes when it is woken: what a {@link Task} needs from whoever runs it. A runtime's
 * {@link Scheduler} is one; a {@code blockOn} on a multi-thread runtime has its own for its root
 * future, which runs on the calling thread.
 */
interface Schedule {

    /** Queues {@code task}, woken by someone else; the caller just set its SCHEDULED bit. Any thread. */
    void schedule(Task<?> task);

    /**
     * Queues {@code task}, which was woken while it ran (a yield, or a wake that raced with the poll):
     * behind every task that is ready now, never in a LIFO slot. Called by the thread that ran it.
     */
    void scheduleBack(Task<?> task);

    /**
     * {@code task} just started a continuation on the calling thread: returns the home to record (the
     * task then never leaves it), or null if this scheduler runs every task on one thread anyway.
     */
    Object homeHere(Task<?> task);
}
