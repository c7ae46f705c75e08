package dev.weft.runtime;

import dev.weft.Waker;
import java.util.concurrent.CompletableFuture;

/**
 * What {@link JoinHandle#toCompletableFuture()} returns: a {@link CompletableFuture} completed with a
 * task's outcome, whose {@link #cancel} aborts the task.
 *
 * <p>It is registered as one of the task's joiners, so the task's completion wakes it once, on the
 * thread that completed the task (a worker, or the thread that ran the cancelled task's unwinding),
 * and it completes there: dependent stages added without an executor run on that thread. That saves
 * a thread hand-off per task and is what {@code CompletableFuture.supplyAsync} does too; the cost is
 * that such a dependent must be quick, as a waker must, which {@link JoinHandle#toCompletableFuture()}
 * tells the user.
 */
final class TaskCompletableFuture<T> extends CompletableFuture<T> implements Waker {
    private final Task<T> task;

    TaskCompletableFuture(Task<T> task) {
        this.task = task;
    }

    /** Links this to the task: completes it now if the task is complete, else at its completion. */
    TaskCompletableFuture<T> attach() {
        if (!task.addJoiner(this)) {
            wake();
        }
        return this;
    }

    /** The task has completed (joiners are woken only then): take its outcome. */
    @Override
    public void wake() {
        T output;
        try {
            output = task.joinOutcome();
        } catch (Throwable failure) {
            completeExceptionally(failure); // an abort is a CancellationException: isCancelled() is true
            return;
        }
        complete(output);
    }

    /**
     * Cancels this future and, if that succeeded, aborts the task. The task unwinds afterwards on its
     * own thread; this future reports the cancellation at once.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            task.abort();
        }
        return cancelled;
    }
}
