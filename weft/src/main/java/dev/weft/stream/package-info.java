/**
 * Streams: asynchronous sequences of items, the futures crate's and tokio-stream's {@code Stream}.
 *
 * <p>{@link dev.weft.stream.Stream} is the one interface: {@code pollNext(cx)} returns the next item,
 * {@code Future.PENDING}, or null at the end, and {@code next()} wraps that in a cancel-safe future to
 * await in a loop. Sources ({@code of}, {@code fromIterable}, {@code iterate}, {@code generate}, an
 * {@code Mpsc} receiver, an {@code Interval}'s ticks), operators ({@code map}, {@code filter},
 * {@code take}, {@code then}, {@code buffered}, {@code bufferUnordered}, {@code merge},
 * {@code timeout}, {@code fuse}) and consumers ({@code fold}, {@code collect}, {@code toList},
 * {@code forEach}) are on the interface; {@link dev.weft.stream.FlowStreams} bridges to and from
 * {@code java.util.concurrent.Flow}.
 *
 * <p>Rules every stream here keeps: items are never null; a failure is thrown from {@code pollNext};
 * after the end or a failure {@code pollNext} returns null (fused); an operator owns its upstream and
 * cancels what it owns (upstream, in-flight futures, timers, subscriptions) when it is cancelled,
 * fails, or ends early. Combinators with several children ({@code merge}, {@code buffered}) give each
 * child its own waker and poll only the children that were woken. Streams depend on the future core,
 * {@code sync} and {@code time}; only the publisher bridge depends on the runtime.
 */
package dev.weft.stream;
