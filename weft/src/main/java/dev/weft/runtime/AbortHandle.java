package dev.weft.runtime;

/**
 * Aborts a task without being able to await it (from {@link JoinHandle#abortHandle()}). Holding one
 * does not keep the task's output alive for anyone, nor count as observing its failure.
 */
public final class AbortHandle {
    private final Task<?> task;

    AbortHandle(Task<?> task) {
        this.task = task;
    }

    /** Requests cancellation, as {@link JoinHandle#abort()}. Callable from any thread; idempotent. */
    public void abort() {
        task.abort();
    }

    /** Whether the task has finished. */
    public boolean isFinished() {
        return task.isComplete();
    }

    /** The task's id. */
    public long id() {
        return task.id;
    }
}
