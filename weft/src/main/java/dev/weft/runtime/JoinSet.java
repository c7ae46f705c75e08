package dev.weft.runtime;

import dev.weft.AsyncBody;
import dev.weft.AsyncException;
import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.compose.FuturesUnordered;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;

/**
 * A set of spawned tasks whose outputs come back in the order the tasks finish: Tokio's
 * {@code JoinSet}. Unlike {@link FuturesUnordered}, whose members all run inside the task that polls
 * it, each task here runs on its own and may run in parallel with the others on a multi-thread
 * runtime; the set only collects the outputs.
 *
 * <pre>{@code
 * try (JoinSet<Page> fetches = new JoinSet<>()) {
 *     for (String url : urls) {
 *         fetches.spawn(() -> client.fetch(url).await());
 *     }
 *     while (!fetches.isEmpty()) {
 *         Page p = fetches.joinNext().await();   // whichever task finished first
 *         index(p);
 *     }
 * }                                              // close(): tasks still running are aborted
 * }</pre>
 *
 * <p>Closing the set (or {@link #abortAll()}) aborts its tasks: each unwinds on its own thread, its
 * {@code finally} blocks run. {@link #close()} returns at once; await {@link #shutdown()} to wait for
 * the unwinding. Java has no destructor, so a set that is never closed leaves its tasks running, as
 * dropped {@link JoinHandle}s do: use try-with-resources.
 *
 * <p>Cost: a spawn is a task spawn plus O(1) bookkeeping; {@link #joinNext()} looks only at tasks that
 * finished since it last looked (one wake-up each), so a set of 100,000 tasks costs O(1) per output.
 *
 * <p><b>Cancel safety:</b> {@code joinNext()} is cancel-safe: cancelling it (in a select, under a
 * timeout) loses no output; the tasks keep running and stay in the set.
 *
 * <p>Threads: the set belongs to the task that uses it (like {@link FuturesUnordered}); spawn, join,
 * abort and close from that task. The tasks themselves run wherever their runtime runs them.
 *
 * @param <T> the type of the tasks' outputs
 */
public final class JoinSet<T> implements AutoCloseable {
    /*
     * The set is a FuturesUnordered of the tasks' JoinHandles: a handle's waker fires once, when its
     * task completes, so joinNext polls only finished tasks. Iterating the FuturesUnordered reaches
     * the handles still in the set for abortAll. Cancelling a JoinHandle detaches its task, so
     * FuturesUnordered.clear() is detachAll as it is, and close() aborts before it clears.
     */
    private final FuturesUnordered<T> handles = new FuturesUnordered<>();
    private boolean closed;

    /** An empty set. */
    public JoinSet() {
    }

    /**
     * Spawns {@code future} on the current runtime and adds it to the set. Returns a handle that can
     * abort that one task.
     *
     * @throws IllegalStateException outside a runtime (use {@link #spawnOn}), or if the set is closed
     */
    public AbortHandle spawn(Future<T> future) {
        return spawnOn(Handle.current(), future);
    }

    /** Spawns an async block with {@code body} on the current runtime; see {@link #spawn(Future)}. */
    public AbortHandle spawn(AsyncBody<T> body) {
        return spawn(Weft.async(body));
    }

    /**
     * Spawns {@code future} on the runtime of {@code handle} and adds it to the set: for filling the
     * set from outside a runtime, or with tasks of another runtime.
     *
     * @throws IllegalStateException if the set is closed (nothing is spawned)
     */
    public AbortHandle spawnOn(Handle handle, Future<T> future) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(future, "future");
        checkOpen();
        return add(handle.spawn(future));
    }

    /**
     * Runs {@code work} on the current runtime's blocking pool ({@link Handle#spawnBlocking}) and adds
     * it to the set. Aborting it before it started means it never runs; a running call is not
     * interrupted.
     *
     * @throws IllegalStateException outside a runtime, or if the set is closed
     */
    public AbortHandle spawnBlocking(Callable<T> work) {
        Objects.requireNonNull(work, "work");
        checkOpen();
        return add(Handle.current().spawnBlocking(work));
    }

    private AbortHandle add(JoinHandle<T> h) {
        handles.push(h);
        return h.abortHandle();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this JoinSet is closed; it spawns nothing more");
        }
    }

    /**
     * A future of the output of the next task to finish; that task leaves the set. A task that failed
     * makes it throw the task's failure, as {@link JoinHandle} does (the same object, with an
     * {@link AsyncTrace}); an aborted task makes it throw {@link CancellationException}. Either way
     * that task leaves the set and the others stay. If the set is empty when polled, it completes with
     * null at once; when outputs may be null, test {@link #isEmpty()} instead:
     * <pre>{@code
     * while (!set.isEmpty()) {
     *     try {
     *         use(set.joinNext().await());
     *     } catch (CancellationException aborted) {
     *         // a task that was aborted
     *     }
     * }
     * }</pre>
     *
     * <p><b>Cancel safety:</b> cancel-safe: cancelling it loses no output. Cost: O(1) per finished task.
     */
    public Future<T> joinNext() {
        return handles.next();
    }

    /** How many tasks are in the set: running, or finished and not yet returned by {@link #joinNext()}. */
    public int size() {
        return handles.size();
    }

    /** Whether the set holds no tasks. */
    public boolean isEmpty() {
        return handles.isEmpty();
    }

    /**
     * Aborts every task in the set. Returns at once; the tasks stay in the set, and as each finishes
     * unwinding, {@link #joinNext()} reports it (with {@link CancellationException}, or with its
     * output if it had finished first). O(size).
     */
    public void abortAll() {
        for (Future<? extends T> f : handles) {
            ((JoinHandle<? extends T>) f).abort();
        }
    }

    /** Removes every task from the set without aborting it: the tasks run on, detached. O(size). */
    public void detachAll() {
        handles.clear();
    }

    /**
     * A future that aborts every task in the set (when first polled), then waits until each has
     * finished unwinding, taking it out of the set; it completes when the set is empty. Outputs are
     * dropped. If some task failed (other than by being aborted), the future then fails with the first
     * such failure, the others attached as suppressed exceptions: nothing is swallowed.
     *
     * <p><b>Cancel safety:</b> cancelling it leaves the tasks not yet taken in the set, aborted.
     */
    public Future<Void> shutdown() {
        return new Shutdown();
    }

    /** Aborts every task and closes the set; later spawns fail. Returns at once (see {@link #shutdown()}). */
    @Override
    public void close() {
        closed = true;
        abortAll();
        handles.close(); // cancelling a handle detaches it: the aborts above stand
    }

    @Override
    public String toString() {
        return "JoinSet[size=" + size() + (closed ? ", closed]" : "]");
    }

    /** The future of {@link #shutdown()}. */
    private final class Shutdown implements Future<Void> {
        private boolean aborted;
        private Throwable failure;

        @Override
        public Object poll(Context cx) {
            if (!aborted) {
                aborted = true;
                abortAll();
            }
            while (!handles.isEmpty()) {
                try {
                    if (handles.pollNext(cx) == PENDING) {
                        return PENDING;
                    }
                } catch (CancellationException expected) {
                    // what an aborted task reports
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    } else if (failure != t) {
                        failure.addSuppressed(t);
                    }
                }
            }
            if (failure != null) {
                throw AsyncException.rethrow(failure);
            }
            return null;
        }
    }
}
