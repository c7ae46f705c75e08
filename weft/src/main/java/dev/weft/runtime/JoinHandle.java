package dev.weft.runtime;

import dev.weft.Context;
import dev.weft.Coop;
import dev.weft.Future;
import java.util.concurrent.CompletableFuture;

/**
 * The handle to a spawned task: a future of the task's output.
 *
 * <p>Awaiting it returns the task's output, or throws the task's failure (the same object the task
 * threw, with one suppressed {@link AsyncTrace} naming the task's body and where it was awaited), or
 * throws {@link java.util.concurrent.CancellationException} if the task was aborted &mdash; only once the
 * task's unwinding (its {@code finally} blocks) has ended. Unlike Tokio's, a Weft handle may be awaited
 * by several tasks and keeps the output: every awaiter gets it.
 *
 * <p>Dropping the handle detaches the task: it runs on. {@link #cancel()} (what a combinator calls when
 * it drops the handle) detaches too; {@link #abort()} cancels the task. A failure that nobody observed
 * is reported through the runtime's unobserved-failure handler once the handle becomes unreachable.
 *
 * <p><b>Cancel safety:</b> cancel-safe. Cancelling an await of the handle loses nothing: the task keeps
 * running and the output stays in the handle.
 *
 * <p>Cost: polling a finished handle is a volatile read; a pending poll takes the task's monitor
 * briefly to record the waker.
 *
 * @param <T> the type of the task's output
 */
public final class JoinHandle<T> implements Future<T> {
    private final Task<T> task;

    JoinHandle(Task<T> task) {
        this.task = task;
    }

    @Override
    public Object poll(Context cx) {
        if (!Coop.proceed(cx)) {
            return PENDING; // out of budget: the awaiting task yields first
        }
        if (!task.isComplete() && task.addJoiner(cx.waker())) {
            Coop.refund();
            return PENDING;
        }
        return task.joinOutcome();
    }

    /** Detaches: the task keeps running. Use {@link #abort()} to cancel it. */
    @Override
    public void cancel() {
    }

    /**
     * Requests cancellation of the task. Returns at once; the task unwinds on its own thread at its next
     * poll, and awaiting this handle then throws {@code CancellationException}. Does nothing if the task
     * has finished. Callable from any thread.
     */
    public void abort() {
        task.abort();
    }

    /**
     * A {@link CompletableFuture} of the task's outcome, for code outside Weft: it completes with the
     * task's output, or exceptionally with its failure (the same object), or as cancelled if the task
     * was aborted. {@link CompletableFuture#cancel cancel} on it aborts the task (its {@code finally}
     * blocks run, on the task's own thread, after the future already reports the cancellation). Only
     * {@code cancel} aborts: completing it yourself, or {@code orTimeout} expiring, leaves the task
     * running. Each call returns a new future; any of them cancelled aborts the task.
     *
     * <p>This is also how a Weft future becomes a {@code CompletableFuture}: spawn it.
     * <pre>{@code
     * CompletableFuture<String> cf = runtime.spawn(client.get("key")).toCompletableFuture();
     * cf.thenAcceptAsync(this::show, uiExecutor);
     * }</pre>
     *
     * <p><b>Which thread:</b> the future is completed on the thread that completes the task, which
     * is usually one of the runtime's workers; stages added without an executor ({@code thenApply},
     * {@code thenAccept}, ...) run right there, inside the worker's turn. Keep them short and
     * non-blocking, or use the {@code ...Async} variants with an executor of your own. If the task has
     * already finished, the future is completed on the calling thread before this returns.
     *
     * <p>Cost: one {@code CompletableFuture}, registered as one joiner of the task.
     */
    public CompletableFuture<T> toCompletableFuture() {
        return new TaskCompletableFuture<>(task).attach();
    }

    /** Whether the task has finished (with an output, a failure, or cancelled, unwinding included). */
    public boolean isFinished() {
        return task.isComplete();
    }

    /** A handle that can abort the task but not await it, to give to whoever may need to stop it. */
    public AbortHandle abortHandle() {
        return new AbortHandle(task);
    }

    /** The task's id, unique in this JVM. */
    public long id() {
        return task.id;
    }

    @Override
    public String toString() {
        return "JoinHandle[" + task + (isFinished() ? ", finished]" : "]");
    }
}
