package dev.weft;

import dev.weft.internal.AsyncBlock;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A value that is not ready yet: the lazy, polled future of Rust's {@code std::future::Future}.
 *
 * <p>A future does nothing until something polls it. {@link #poll(Context)} either returns the output
 * or returns {@link #PENDING} after arranging for the {@link Waker} in the
 * context to be woken when progress may be possible. Inside an async block ({@link Weft#async}) you do
 * not poll by hand: you {@link #await()}, which polls and suspends the block while the future is
 * pending. To run a future from ordinary code, hand it to a runtime ({@code Runtime.blockOn}) or spawn
 * it as a task ({@link Weft#spawn(Future)}).
 *
 * <h2>The poll contract</h2>
 * <ul>
 *   <li>{@code poll} returns the output (a {@code T}, which may be {@code null}) when the future is
 *       complete, and returns {@link #PENDING} otherwise. Pending costs no allocation: it is one shared
 *       identity, tested with {@code ==} or {@link #isPending(Object)}. The return type is
 *       {@code Object} because no Java value other than null belongs to every {@code T}: a typed
 *       sentinel would meet a compiler-inserted cast (and a {@code ClassCastException}) in any future
 *       or caller with a concrete {@code T}. {@link #await()} and the combinators restore the type.</li>
 *   <li><b>Waker contract.</b> When {@code poll} returns pending it must have arranged for
 *       {@code cx.waker()} &mdash; the waker of <em>this</em> call, which may differ from the one of an
 *       earlier call &mdash; to be woken at least once after progress becomes possible. A future that
 *       returns pending without arranging a wake-up stalls its task forever. Waking early or more than
 *       once is harmless: the poller polls again and the future returns pending again.</li>
 *   <li>{@code poll} must not block the thread. It may be called again after a wake, or spuriously.
 *       After it returned the output or threw, it must not be polled again for progress (futures in Weft
 *       return the same outcome again, but no caller may rely on that for a hand-written one).</li>
 *   <li>A failure is thrown from {@code poll} as an unchecked exception; the same object reaches every
 *       {@code await} above it. Checked exceptions are wrapped once, in {@link AsyncException} (or
 *       {@link java.io.UncheckedIOException} for an {@link java.io.IOException}).</li>
 *   <li>Futures are polled by one thread at a time; the poller provides the happens-before edges
 *       between successive polls.</li>
 * </ul>
 *
 * <p>A hand-written future that waits on another:
 * <pre>{@code
 * public Object poll(Context cx) {
 *     Object r = inner.poll(cx);
 *     if (r == Future.PENDING) return Future.PENDING;   // inner arranged the wake-up
 *     return ((String) r).length();
 * }
 * }</pre>
 *
 * <h2>Cancellation</h2>
 * {@link #cancel()} is Rust's <em>drop</em>: the owner tells the future it will not poll it for
 * progress again, and the future releases what it holds (deregisters wakers, leaves wait queues,
 * returns permits). It is idempotent. A started async block unwinds: its {@code finally} blocks run.
 *
 * @param <T> the type of the output
 */
@FunctionalInterface
public interface Future<T> {

    /**
     * The pending sentinel: what {@link #poll(Context)} returns when the future is not complete. One
     * shared object, compared by identity.
     */
    Object PENDING = Pending.INSTANCE;

    /**
     * Attempts to make progress. Returns the output (a {@code T}) when complete, or {@link #PENDING}
     * after arranging for {@code cx.waker()} to be woken (see the class documentation for the contract).
     *
     * @param cx the context of this poll; its waker is the one to wake
     * @return the output, or {@link #PENDING}
     */
    Object poll(Context cx);

    /**
     * Tells the future that its owner will not poll it again: it releases what it holds. The default
     * does nothing, which is right for a future that holds nothing. Idempotent.
     */
    default void cancel() {
    }

    /**
     * Waits for this future inside an async block and returns its output. While the future is pending
     * the block is suspended and its thread goes on with other tasks.
     *
     * <p>Cost: a ready future is one method call; a pending one costs a continuation yield and resume
     * (about 90 ns on the reference machine) per wake-up.
     *
     * <p>If the block has been cancelled, this throws {@link java.util.concurrent.CancellationException}
     * at once, whether this future is ready or not, and cancels this future.
     *
     * @return the output
     * @throws IllegalStateException outside an async block, or inside a {@code poll} in progress
     */
    default T await() {
        return AsyncBlock.await(this);
    }

    /**
     * A future whose output is {@code fn} applied to this future's output. {@code fn} runs inside
     * {@code poll}: it must be quick and must not {@code await}. Cancel-safe if this future is.
     */
    default <U> Future<U> map(Function<? super T, ? extends U> fn) {
        return new MappedFuture<>(this, Objects.requireNonNull(fn, "fn"));
    }

    /**
     * A future that completes this one, then the future {@code fn} returns for its output, and
     * completes with that future's output. Cancelling it cancels whichever of the two is in progress.
     */
    default <U> Future<U> flatMap(Function<? super T, ? extends Future<U>> fn) {
        return new FlatMappedFuture<>(this, Objects.requireNonNull(fn, "fn"));
    }

    /** Whether a value returned by {@link #poll(Context)} is {@link #PENDING}. */
    static boolean isPending(Object pollResult) {
        return pollResult == PENDING;
    }

    /** A future that is ready at once with {@code value} (which may be null). Cancel-safe. */
    static <T> Future<T> ready(T value) {
        return new ReadyFuture<>(value);
    }

    /**
     * A future that fails at once. A checked exception is wrapped once, as {@link Weft}'s failure rules
     * say; an unchecked one is thrown as it is, the same object on every poll.
     */
    static <T> Future<T> failed(Throwable failure) {
        return new FailedFuture<>(AsyncException.unchecked(Objects.requireNonNull(failure, "failure")));
    }

    /**
     * A future of the outcome of {@code stage} (a {@link java.util.concurrent.CompletableFuture}, or
     * any other {@link CompletionStage}): for awaiting an API that returns one, such as
     * {@code java.net.http.HttpClient.sendAsync}.
     * <pre>{@code
     * HttpResponse<String> r = Future.fromStage(http.sendAsync(req, BodyHandlers.ofString())).await();
     * }</pre>
     * It completes with the stage's value, or fails with the stage's failure: the exception its
     * producer threw, unwrapped from {@link java.util.concurrent.CompletionException} (a checked one
     * wrapped once, by Weft's rules); a cancelled {@code CompletableFuture} makes it throw
     * {@link java.util.concurrent.CancellationException}.
     *
     * <p>The other way, a Weft future becomes a {@code CompletableFuture} by spawning it:
     * {@code runtime.spawn(f).toCompletableFuture()} ({@link dev.weft.runtime.JoinHandle#toCompletableFuture()}).
     *
     * <p>Cost: the first poll that finds the stage incomplete registers one callback with it; later
     * polls only record the latest waker. The callback runs on the thread that completes the stage and
     * only wakes the task; the rest of the work happens in the task's next poll.
     *
     * <p><b>Cancel safety:</b> cancelling this future cancels {@code stage} with
     * {@code cancel(false)} when it is a {@code CompletableFuture}, so the work behind it may stop;
     * other stages cannot be cancelled and run on, their outcome dropped. A stage shared with other
     * consumers is cancelled for them too: pass {@code cf.copy()} to keep them apart.
     */
    static <T> Future<T> fromStage(CompletionStage<? extends T> stage) {
        return new StageFuture<>(Objects.requireNonNull(stage, "stage"));
    }

    /** A future that never completes and holds nothing: polling it arranges no wake-up. */
    static <T> Future<T> never() {
        return cx -> PENDING;
    }
}
