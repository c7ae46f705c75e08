package dev.weft.stream;

import dev.weft.runtime.Handle;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Bridges between Weft streams and {@link java.util.concurrent.Flow} (Reactive Streams): consume any
 * {@link Flow.Publisher} (a {@link java.util.concurrent.SubmissionPublisher}, a Reactor {@code Flux}
 * through its Flow adapter, a JDK {@code HttpClient} body) as a {@link Stream}, or offer a stream to
 * {@link Flow.Subscriber}s.
 *
 * <pre>{@code
 * Stream<Event> events = FlowStreams.fromPublisher(publisher, 64);         // pull with bounded demand
 * Flow.Publisher<Row> rows = FlowStreams.toPublisher(query(sql), rt.handle());
 * }</pre>
 *
 * <p>{@link #fromPublisher} needs no runtime: the stream is polled like any other. The publisher side
 * needs one, to drive the stream for each subscriber: it takes a runtime {@link Handle}, and is the
 * only part of {@code dev.weft.stream} that depends on {@code dev.weft.runtime}.
 */
public final class FlowStreams {
    private FlowStreams() {
    }

    /**
     * The items of {@code publisher} as a stream. The first poll subscribes; the stream then requests
     * {@code prefetch} items, and requests more, in batches of about three quarters of
     * {@code prefetch}, as the consumer takes items. At most {@code prefetch} items are buffered, since
     * items buffered plus demand outstanding never exceed it. {@code onError} makes
     * {@code pollNext} throw (after the items that came before it), {@code onComplete} ends the stream.
     *
     * <p><b>Cancel safety:</b> {@link Stream#next()} is cancel-safe: items wait in the buffer.
     * Cancelling the stream cancels the subscription (at once, or when it arrives if the publisher has
     * not called {@code onSubscribe} yet) and drops buffered items.
     *
     * <p>Cost: a lock acquisition per item on each side; a request call per batch. Each poll spends a
     * unit of the cooperative budget.
     *
     * @throws IllegalArgumentException if {@code prefetch} is not positive
     */
    public static <T> Stream<T> fromPublisher(Flow.Publisher<? extends T> publisher, int prefetch) {
        return new PublisherStream<>(publisher, prefetch);
    }

    /**
     * A publisher of {@code stream}'s items for one subscriber, driven by a task spawned on
     * {@code handle}'s runtime when it subscribes. The task pulls an item only while the subscriber
     * has demand, so a stream that produces on demand (a query, a channel) is back-pressured end to
     * end. A stream has one consumer: a second subscriber gets {@code onSubscribe} then
     * {@code onError(IllegalStateException)}; use {@link #toPublisherPerSubscriber} for a publisher that
     * many may subscribe to.
     *
     * <p>Follows the Reactive Streams rules: {@code onSubscribe} first, on the subscribing thread, then
     * serial signals from the task; no {@code onNext} without demand; {@code request(n)} with
     * {@code n <= 0} ends the subscription with {@code onError(IllegalArgumentException)} (rule 3.9);
     * demand adds up to {@code Long.MAX_VALUE}, which means unbounded. The subscriber's
     * {@code cancel()} cancels the stream (its cleanup runs on the task) and no signal follows once
     * the task has seen it. If the runtime closes first, the stream is cancelled and the subscriber
     * gets {@code onError(CancellationException)}. A stream failure reaches {@code onError}.
     *
     * <p>Cost: a task per subscriber; a wake-up per {@code request} call that finds the task idle.
     */
    public static <T> Flow.Publisher<T> toPublisher(Stream<? extends T> stream, Handle handle) {
        Objects.requireNonNull(stream, "stream");
        AtomicBoolean taken = new AtomicBoolean();
        return new StreamPublisher<>(() -> {
            if (!taken.compareAndSet(false, true)) {
                throw new IllegalStateException("this publisher's stream already has its subscriber; a stream"
                        + " has one consumer (use FlowStreams.toPublisherPerSubscriber for many)");
            }
            return stream;
        }, handle);
    }

    /**
     * A "cold" publisher: each subscriber gets a stream of its own, made by {@code streams} when it
     * subscribes, and a task on {@code handle}'s runtime to drive it; otherwise as {@link #toPublisher}.
     * If {@code streams} throws, that subscriber gets {@code onSubscribe} then {@code onError}.
     */
    public static <T> Flow.Publisher<T> toPublisherPerSubscriber(Supplier<? extends Stream<? extends T>> streams,
            Handle handle) {
        return new StreamPublisher<>(streams, handle);
    }
}
