package dev.weft;

import dev.weft.internal.AsyncBlock;
import dev.weft.runtime.Handle;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.LocalSet;
import dev.weft.time.ElapsedException;
import dev.weft.time.Instant;
import dev.weft.time.Interval;
import dev.weft.time.Sleep;
import dev.weft.time.Timeout;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The front door: async blocks, spawning, yielding.
 *
 * <pre>{@code
 * Future<String> greeting = Weft.async(() -> {
 *     String name = lookUpName().await();   // suspends here while the lookup is pending
 *     return "hello, " + name;
 * });                                       // nothing has run yet: futures are lazy
 * String s = runtime.blockOn(greeting);     // now it runs
 * }</pre>
 *
 * <p>This class sits above the rest: the core types ({@link Future}, {@link Context}, {@link Waker})
 * never depend on it, so hand-written futures and combinators work without a runtime.
 */
public final class Weft {
    private Weft() {
    }

    /**
     * An async block: a lazy future whose body runs when it is first polled or awaited, and suspends at
     * each {@link Future#await()} of a pending future. Awaited directly from another block before
     * anything polled it, the body runs inline on the awaiter's stack (no continuation is made).
     *
     * <p>Cancelling a started block unwinds it: its pending await, and every later one, throws
     * {@link java.util.concurrent.CancellationException}, so {@code finally} blocks and
     * try-with-resources run. A started block belongs to the thread it started on; poll and cancel it
     * only from the task that owns it.
     *
     * <p>Cost: creating one is an allocation; the first poll (not an inline await) creates a
     * continuation; each suspension costs a yield and a resume (about 90 ns on the reference machine),
     * and the suspended stack lives on the heap (about 300 bytes for a shallow block). Keep await points
     * shallow. Needs the JVM flag {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}.
     *
     * <p><b>Cancel safety:</b> as safe as the code in the body: cancelling it between awaits loses
     * whatever the body had done but not handed on.
     */
    public static <T> Future<T> async(AsyncBody<T> body) {
        return AsyncBlock.of(Objects.requireNonNull(body, "body"), null);
    }

    /** An async block with no output (it completes with null); see {@link #async(AsyncBody)}. */
    public static Future<Void> async(AsyncRunnable body) {
        return AsyncBlock.ofVoid(Objects.requireNonNull(body, "body"), null);
    }

    /**
     * A block that its owner's cancellation does not interrupt: the tool for async cleanup. Awaited from a
     * block that is being cancelled (say, in a {@code finally}), its awaits work normally instead of
     * throwing. Dropped by its owner after it started, it is not interrupted either: the task finishes it
     * before the task itself completes.
     *
     * <pre>{@code
     * try {
     *     serve(conn).await();
     * } finally {
     *     Weft.nonCancellable(Duration.ofSeconds(1), () -> conn.sayGoodbye().await()).await();
     * }
     * }</pre>
     *
     * <p>{@code timeout} bounds the cleanup, from when the block starts: a block still running then is
     * cut off (cancelled after all: its pending await throws {@code CancellationException} and its own
     * {@code finally} blocks run, though they can no longer suspend), and the await of this future
     * throws {@link ElapsedException}. The limit needs the runtime's timers; polled outside a runtime
     * the block runs unbounded.
     *
     * <p>Cost: the body runs as a block of its own (one more coroutine than a plain await of a block),
     * plus a timer while it is suspended.
     */
    public static <T> Future<T> nonCancellable(Duration timeout, AsyncBody<T> body) {
        Objects.requireNonNull(body, "body");
        return AsyncBlock.of(bounded(timeout, AsyncBlock.of(body, null)), timeout);
    }

    /** A non-cancellable block with no output; see {@link #nonCancellable(Duration, AsyncBody)}. */
    public static Future<Void> nonCancellable(Duration timeout, AsyncRunnable body) {
        Objects.requireNonNull(body, "body");
        return AsyncBlock.of(bounded(timeout, AsyncBlock.ofVoid(body, null)), timeout);
    }

    /** The body of a non-cancellable block: {@code inner} under {@code timeout}, when there is a runtime. */
    private static <T> AsyncBody<T> bounded(Duration timeout, Future<T> inner) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("nonCancellable timeout must not be negative, got " + timeout);
        }
        return () -> {
            if (!Timeout.isAvailable()) {
                return inner.await(); // no runtime, no timers: unbounded (documented)
            }
            try {
                return Timeout.after(timeout, inner).await();
            } catch (ElapsedException e) {
                ElapsedException cut = new ElapsedException("a non-cancellable block ran past its timeout of "
                        + timeout.toMillis() + " ms and was cut off (cancelled)", timeout);
                cut.initCause(e);
                throw cut;
            }
        };
    }

    /**
     * Spawns {@code future} as a task on the current runtime and returns its handle. It starts running
     * when the runtime next picks it up, concurrently with the caller.
     *
     * @throws IllegalStateException outside a runtime (use {@code runtime.spawn} there)
     */
    public static <T> JoinHandle<T> spawn(Future<T> future) {
        return Handle.current().spawn(future);
    }

    /** Spawns an async block with {@code body}: {@code spawn(async(body))}. */
    public static <T> JoinHandle<T> spawn(AsyncBody<T> body) {
        return spawn(async(body));
    }

    /** Spawns an async block with no output: {@code spawn(async(body))}. */
    public static JoinHandle<Void> spawn(AsyncRunnable body) {
        return spawn(async(body));
    }

    /**
     * Spawns an async block as a task named {@code name}, which the task list, the task dump, failures
     * and the console show it by; see {@link Handle#spawn(String, Future)}.
     */
    public static <T> JoinHandle<T> spawn(String name, AsyncBody<T> body) {
        return Handle.current().spawn(name, async(body));
    }

    /** Spawns {@code future} as a task named {@code name}; see {@link Handle#spawn(String, Future)}. */
    public static <T> JoinHandle<T> spawn(String name, Future<T> future) {
        return Handle.current().spawn(name, future);
    }

    /** Spawns an async block with no output as a task named {@code name}. */
    public static JoinHandle<Void> spawn(String name, AsyncRunnable body) {
        return Handle.current().spawn(name, async(body));
    }

    /**
     * Runs {@code work} on the current runtime's blocking pool and returns a handle to its result; see
     * {@link Handle#spawnBlocking}. For code that blocks a thread (file and JDBC calls,
     * {@code Thread.sleep}, libraries you do not control), which must not run on a worker.
     *
     * @throws IllegalStateException outside a runtime (use {@code runtime.handle().spawnBlocking} there)
     */
    public static <T> JoinHandle<T> spawnBlocking(Callable<T> work) {
        return Handle.current().spawnBlocking(work);
    }

    /**
     * Inside an async block: runs {@code work} on the runtime's blocking pool, suspends this block until
     * it is done, and returns its result (or throws its failure). The block's thread runs other tasks
     * meanwhile. The block's task-locals ({@link TaskLocal}) and its current span
     * ({@link dev.weft.trace.Span}) are visible to {@code work}; thread-locals of the block's thread are
     * not, since {@code work} runs on another thread.
     *
     * <p><b>Cancel safety:</b> if the block is cancelled while it waits, work that has not started never
     * runs; work already running runs to the end and its output is dropped.
     *
     * @throws IllegalStateException outside an async block of a runtime's task
     */
    public static <T> T blockInPlace(Callable<T> work) {
        AsyncBlock.checkAwaitAllowed(); // before starting work that nothing could wait for
        return Handle.current().runBlocking(work).await();
    }

    /**
     * Spawns {@code future} onto the {@link LocalSet} being driven on this thread: it is polled only on
     * this thread. See {@link LocalSet}.
     *
     * @throws IllegalStateException if no local set is being driven here
     */
    public static <T> JoinHandle<T> spawnLocal(Future<T> future) {
        return LocalSet.currentOrFail().spawnLocal(future);
    }

    /**
     * {@code future} without the cooperative budget ({@link Coop}): the futures it polls never make its
     * task yield for having spent the budget. For a task that must not be interrupted between steps
     * that are each quick; a loop over an always-ready source inside it will hold its worker.
     *
     * <p><b>Cancel safety:</b> that of {@code future}.
     */
    public static <T> Future<T> unconstrained(Future<T> future) {
        return new Coop.Unconstrained<>(Objects.requireNonNull(future, "future"));
    }

    /**
     * A future that completes {@code duration} from now, on the clock of the runtime that polls it. The
     * deadline is taken now if this is called inside a runtime, else at the first poll; it is rounded
     * up to the millisecond, so the sleep never ends early. A paused clock ({@link dev.weft.time.Clock})
     * makes it virtual time.
     *
     * <p><b>Cancel safety:</b> cancel-safe. Cost: one timer on the first pending poll, O(1).
     */
    public static Sleep sleep(Duration duration) {
        return Sleep.after(duration);
    }

    /** A future that completes at {@code deadline}; see {@link #sleep(Duration)}. Cancel-safe. */
    public static Sleep sleepUntil(Instant deadline) {
        return Sleep.until(deadline);
    }

    /**
     * {@code future} with a time limit: completes as {@code future} does, or, if {@code duration} passes
     * first, cancels it (its cleanup runs) and fails with {@link ElapsedException}. A future that is
     * ready on its first poll costs no timer.
     *
     * <pre>{@code
     * try {
     *     String reply = Weft.timeout(Duration.ofSeconds(2), client.get("key")).await();
     * } catch (ElapsedException e) {
     *     // the request was cancelled; fall back
     * }
     * }</pre>
     *
     * <p><b>Cancel safety:</b> as cancel-safe as {@code future}.
     */
    public static <T> Timeout<T> timeout(Duration duration, Future<T> future) {
        return Timeout.after(duration, future);
    }

    /** {@code future} with a deadline; see {@link #timeout(Duration, Future)}. */
    public static <T> Timeout<T> timeoutAt(Instant deadline, Future<T> future) {
        return Timeout.until(deadline, future);
    }

    /**
     * Ticks every {@code period}, the first tick at once; see {@link Interval} for missed ticks.
     * {@code interval.tick()} is cancel-safe.
     */
    public static Interval interval(Duration period) {
        return Interval.every(period);
    }

    /** Ticks every {@code period} from {@code start}; see {@link #interval(Duration)}. */
    public static Interval intervalAt(Instant start, Duration period) {
        return Interval.startingAt(start, period);
    }

    /**
     * A future that is pending once, waking itself, then ready: awaiting it puts the task behind every
     * task that is ready to run now. Use it to break up long computations between awaits.
     *
     * <p><b>Cancel safety:</b> cancel-safe (it holds nothing).
     */
    public static Future<Void> yieldNow() {
        return new YieldNow();
    }
}
