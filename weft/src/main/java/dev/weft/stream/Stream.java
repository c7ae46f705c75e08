package dev.weft.stream;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.sync.Mpsc;
import dev.weft.time.Instant;
import dev.weft.time.Interval;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collector;
import java.util.stream.Collectors;

/**
 * An asynchronous sequence of items: the async iterator, what the futures crate and tokio-stream call
 * {@code Stream}. Where a {@link Future} produces one value, a stream produces any number, each when it
 * is ready, then ends.
 *
 * <pre>{@code
 * Stream<Order> orders = Stream.from(inbox)                 // an Mpsc receiver
 *         .filter(o -> o.total() > 0)
 *         .timeout(Duration.ofSeconds(30))                  // each order within 30 s of asking for it
 *         .take(1_000);
 * for (Order o; (o = orders.next().await()) != null; ) {     // inside an async block
 *     ship(o).await();
 * }
 * }</pre>
 *
 * <h2>The poll contract</h2>
 * {@link #pollNext(Context)} is the stream's {@code poll}: it returns the next item, or
 * {@link Future#PENDING} after arranging for the context's waker to be woken (the same rules as
 * {@link Future#poll}), or {@code null} when the stream has ended. Items are never null, as in Weft's
 * channels, where null means closed. A failure is thrown from {@code pollNext}; the stream has then
 * ended. Every stream made by this package is <em>fused</em>: after its end or its failure, polling
 * again returns null; {@link #fuse()} gives a hand-written stream the same guarantee. A stream is
 * polled by one task at a time; nothing in this package is shared between consumers.
 *
 * <h2>Ownership and cancellation</h2>
 * An operator owns its upstream: {@code s.map(f)} must be used instead of {@code s}, never beside it.
 * {@link #cancel()} is Rust's drop: the consumer will not poll again, and the stream releases what it
 * holds. Every operator cancels what it owns (its upstream, its in-flight futures, its timer) when it
 * is cancelled, when it fails, and when it decides to end early ({@link #take}). A stream is
 * {@link AutoCloseable}; {@link #close()} is {@code cancel()}, so try-with-resources releases a stream
 * that was not read to its end.
 *
 * <p>Operators that wait (an item, a future, a timer) are lazy like futures: nothing runs until the
 * stream is polled. Functions given to operators run inside {@code pollNext}: keep them quick and do
 * not {@code await} in them; {@link #then} is for work that waits.
 *
 * @param <T> the type of the items
 */
@FunctionalInterface
public interface Stream<T> extends AutoCloseable {

    /**
     * Attempts to produce the next item: returns it (a {@code T}, never null), or {@link Future#PENDING}
     * after arranging for {@code cx.waker()} to be woken when progress may be possible, or {@code null}
     * once the stream has ended. Throws the stream's failure; after that it returns null.
     *
     * @param cx the context of this poll; its waker is the one to wake
     * @return the next item, {@link Future#PENDING}, or null at the end
     */
    Object pollNext(Context cx);

    /**
     * Tells the stream its consumer will not poll it again: it releases what it holds (its upstream,
     * in-flight futures, timers, subscriptions), whose cleanup runs now. The default does nothing,
     * right for a stream that holds nothing. Idempotent.
     */
    default void cancel() {
    }

    /** {@link #cancel()}: try-with-resources releases a stream that was not read to its end. */
    @Override
    default void close() {
        cancel();
    }

    /**
     * A future of the next item, or of null once the stream has ended. Made fresh for each item and
     * polled until it completes; await it inside an async block:
     * {@code for (T x; (x = s.next().await()) != null; ) { ... }}.
     *
     * <p><b>Cancel safety:</b> cancel-safe. An item leaves the stream only in the poll that returns it,
     * so cancelling a pending {@code next()} (a select that another arm won, a timeout) loses no item,
     * and cancelling it does not cancel the stream: the next {@code next()} gets the item.
     *
     * <p>Cost: one small allocation; each poll is one {@link #pollNext} call.
     */
    default Future<T> next() {
        return this::pollNext;
    }

    // ---- operators -------------------------------------------------------------------------------

    /**
     * The items of this stream passed through {@code fn}, which runs in {@code pollNext} and must not
     * return null. Cost: one call per item. Cancelling it cancels this stream.
     */
    default <U> Stream<U> map(Function<? super T, ? extends U> fn) {
        return new Operators.Mapped<>(this, Objects.requireNonNull(fn, "fn"), false);
    }

    /**
     * The items of this stream that {@code keep} accepts. A poll may pull many items from upstream
     * before one passes. Cancelling it cancels this stream.
     */
    default Stream<T> filter(Predicate<? super T> keep) {
        Objects.requireNonNull(keep, "keep");
        return new Operators.Mapped<T, T>(this, x -> keep.test(x) ? x : null, true);
    }

    /**
     * At most the first {@code n} items. Once the {@code n}th item is returned, or at the first poll
     * when {@code n} is 0, this stream is cancelled at once (its cleanup runs then, not when the
     * consumer gets round to closing) and the result ends.
     *
     * @throws IllegalArgumentException if {@code n} is negative
     */
    default Stream<T> take(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("take(n) needs n >= 0, got " + n);
        }
        return new Operators.Take<>(this, n);
    }

    /**
     * Each item mapped to a future by {@code fn}, whose output is the item passed on; one future at a
     * time, in order (the futures crate's {@code then}). Use {@link #buffered} to run several at once.
     * A future that completes with null fails the stream.
     *
     * <p><b>Cancel safety:</b> cancelling it cancels the future in flight and this stream.
     */
    default <U> Stream<U> then(Function<? super T, ? extends Future<? extends U>> fn) {
        return new Operators.Then<>(this, Objects.requireNonNull(fn, "fn"));
    }

    /**
     * Each item mapped to a future by {@code fn}, with up to {@code n} of those futures running at once,
     * outputs passed on <em>in input order</em> (the futures crate's {@code map(fn).buffered(n)}; for a
     * stream of futures, {@code futures.buffered(n, f -> f)}). The futures run concurrently inside the
     * consuming task, not in parallel; spawn inside {@code fn} for parallelism.
     *
     * <p>"In flight" counts every future made and whose output has not yet been returned, so a slow
     * head holds back the outputs behind it and stops new futures from starting beyond {@code n}: memory
     * stays bounded. Each future gets its own waker, so a poll polls only the futures that were woken.
     *
     * <p><b>Cancel safety:</b> cancelling it (or a failure of this stream or of one future) cancels
     * every future in flight and this stream; completed outputs not yet returned are dropped.
     *
     * @throws IllegalArgumentException if {@code n} is not positive
     */
    default <U> Stream<U> buffered(int n, Function<? super T, ? extends Future<? extends U>> fn) {
        return new Buffered<>(this, n, Objects.requireNonNull(fn, "fn"), true);
    }

    /**
     * Like {@link #buffered}, but each output is passed on as soon as its future completes, in
     * completion order (the futures crate's {@code buffer_unordered}): a slow future does not hold back
     * the others, and a new one starts as soon as any completes.
     *
     * @throws IllegalArgumentException if {@code n} is not positive
     */
    default <U> Stream<U> bufferUnordered(int n, Function<? super T, ? extends Future<? extends U>> fn) {
        return new Buffered<>(this, n, Objects.requireNonNull(fn, "fn"), false);
    }

    /**
     * This stream with a time limit on each item: if an item takes longer than {@code limit} to arrive,
     * counted from the first poll that asks for it (so the consumer's own time between items does not
     * count), this stream is cancelled and the result fails with {@link dev.weft.time.ElapsedException}.
     * The timer starts again for every item. Needs a runtime's timers.
     *
     * <p>To give up waiting for one item without ending the stream, time out the {@link #next()} future
     * instead: {@code Weft.timeout(d, s.next())} is cancel-safe and leaves the stream as it was.
     *
     * <p>Cost: a timer for each item that is not ready at once; none for items that are.
     */
    default Stream<T> timeout(Duration limit) {
        return new TimeoutStream<>(this, Objects.requireNonNull(limit, "limit"));
    }

    /**
     * This stream, guaranteed to keep returning null after it has ended or failed. Every stream made by
     * this package already behaves so; use it on a hand-written one.
     */
    default Stream<T> fuse() {
        return new Operators.Fused<>(this);
    }

    // ---- consuming -------------------------------------------------------------------------------

    /**
     * A future that consumes this stream, folding each item into the accumulator with {@code fn}
     * (starting from {@code initial}), and completes with the final value when the stream ends.
     * Cancelling the future cancels this stream. Cost: one call per item, no allocation per item.
     */
    default <R> Future<R> fold(R initial, BiFunction<? super R, ? super T, ? extends R> fn) {
        return new Operators.Fold<>(this, initial, Objects.requireNonNull(fn, "fn"));
    }

    /**
     * A future that consumes this stream into {@code collector}'s result, like
     * {@link java.util.stream.Stream#collect(Collector)}. Cancelling the future cancels this stream.
     */
    default <A, R> Future<R> collect(Collector<? super T, A, R> collector) {
        Objects.requireNonNull(collector, "collector");
        java.util.function.BiConsumer<A, ? super T> add = collector.accumulator();
        return fold(collector.supplier().get(), (A acc, T item) -> {
            add.accept(acc, item);
            return acc;
        }).map(collector.finisher());
    }

    /** A future of every item, in order, in a list. Cancelling the future cancels this stream. */
    default Future<List<T>> toList() {
        return collect(Collectors.toList());
    }

    /**
     * A future that runs {@code action} for each item, inside an async block, so the action may
     * {@code await}; it completes when the stream ends, or fails with the first failure of the stream
     * or of the action. When it fails or is cancelled, this stream is cancelled. Needs what async blocks
     * need (see {@link Weft#async(dev.weft.AsyncBody)}).
     */
    default Future<Void> forEach(AsyncConsumer<? super T> action) {
        Objects.requireNonNull(action, "action");
        return Weft.async(() -> {
            boolean ended = false;
            try {
                for (T item; (item = next().await()) != null; ) {
                    action.accept(item);
                }
                ended = true;
            } finally {
                if (!ended) {
                    cancel();
                }
            }
        });
    }

    // ---- sources ---------------------------------------------------------------------------------

    /** A stream that ends at once. */
    static <T> Stream<T> empty() {
        return cx -> null;
    }

    /**
     * A stream of {@code items}, in order; always ready. Each poll spends one unit of the cooperative
     * budget, so a long stream does not hold its worker.
     *
     * @throws NullPointerException if an item is null
     */
    @SafeVarargs
    static <T> Stream<T> of(T... items) {
        return fromIterable(List.of(items));
    }

    /**
     * A stream of an iterable's items, in iteration order; always ready. The iterator is made at the
     * first poll and advanced once per item; a null element fails the stream. Spends the cooperative
     * budget as {@link #of} does.
     */
    static <T> Stream<T> fromIterable(Iterable<? extends T> items) {
        Objects.requireNonNull(items, "items");
        return new Sources.FromIterator<>(items::iterator);
    }

    /**
     * An endless stream {@code seed, next(seed), next(next(seed)), ...}; each function call happens when
     * its item is asked for. End it with {@link #take}.
     */
    static <T> Stream<T> iterate(T seed, UnaryOperator<T> next) {
        Objects.requireNonNull(seed, "seed");
        Objects.requireNonNull(next, "next");
        return new Sources.FromIterator<>(() -> java.util.stream.Stream.iterate(seed, next).iterator());
    }

    /** An endless stream of {@code supplier}'s results, one call per item. End it with {@link #take}. */
    static <T> Stream<T> generate(Supplier<? extends T> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        return new Sources.FromIterator<>(() -> new Iterator<T>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public T next() {
                return supplier.get();
            }
        });
    }

    /**
     * The values a channel receives, ending when every sender has closed and the queue is drained
     * (tokio-stream's {@code ReceiverStream}). The stream owns the receiver: cancelling or closing the
     * stream closes the receiver, so later sends fail. Cancel-safe like {@link Mpsc.Receiver#recv()}.
     */
    static <T> Stream<T> from(Mpsc.Receiver<T> receiver) {
        Objects.requireNonNull(receiver, "receiver");
        return new Sources.Repeated<>(receiver::recv, receiver::close);
    }

    /**
     * The ticks of an interval, each the instant it was scheduled for; endless (tokio-stream's
     * {@code IntervalStream}). Cancelling the stream takes the pending tick's timer out of the wheel.
     */
    static Stream<Instant> ticks(Interval interval) {
        Objects.requireNonNull(interval, "interval");
        return new Sources.Repeated<>(interval::tick, () -> { });
    }

    /**
     * The items of every stream in {@code streams}, interleaved as they become ready (the futures
     * crate's {@code select_all}, tokio-stream's {@code StreamExt::merge} for many); it ends when all of
     * them have ended. Fair: a sub-stream that returned an item waits behind the others that are ready.
     * Each sub-stream gets its own waker, so a poll polls only the sub-streams that were woken; one
     * wake among 10,000 quiet sub-streams costs one sub-stream poll.
     *
     * <p><b>Cancel safety:</b> cancelling it (or a failure of one sub-stream) cancels every sub-stream
     * that has not ended. The failure is thrown; the others' cleanup failures are attached to it.
     *
     * @throws NullPointerException if {@code streams} or one of them is null
     */
    @SafeVarargs
    static <T> Stream<T> merge(Stream<? extends T>... streams) {
        return new Merge<>(List.of(streams));
    }

    /** {@link #merge(Stream[])} for a collection of streams. */
    static <T> Stream<T> merge(java.util.Collection<? extends Stream<? extends T>> streams) {
        return new Merge<>(List.copyOf(streams));
    }
}
