package dev.weft.stream;

import dev.weft.Context;
import dev.weft.Coop;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.runtime.Handle;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@link FlowStreams#toPublisher}: a stream's items offered to {@link Flow.Subscriber}s. The only class
 * of this package that needs the runtime: each subscriber gets a task that drives its stream.
 *
 * <p>Algorithm. {@code subscribe} makes the subscriber's stream and an {@link Emission}, calls
 * {@code onSubscribe} on the caller's thread, and only then spawns the emission's task, so every later
 * signal comes from that task and follows {@code onSubscribe} (rule 1.9). A task is polled by one
 * thread at a time with happens-before between polls, so signals are serial (rule 1.3). The task pulls
 * an item only while demand is positive (rule 1.1), spends one unit of demand per {@code onNext}, and
 * otherwise sleeps until {@code request} or {@code cancel} wakes it.
 *
 * <p>Threads. {@code request} and {@code cancel} may come from any thread, also from inside
 * {@code onNext} (rule 3.3: they only record and wake, never signal). They write {@code demand},
 * {@code cancelled} or {@code badRequest} and then read {@code waker}; the task writes {@code waker} and
 * then reads them. All are volatile, so at least one side sees the other: a request is never missed.
 * Everything else belongs to the task.
 */
final class StreamPublisher<T> implements Flow.Publisher<T> {
    private final Supplier<? extends Stream<? extends T>> streams;
    private final Handle handle;

    StreamPublisher(Supplier<? extends Stream<? extends T>> streams, Handle handle) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.handle = Objects.requireNonNull(handle, "handle");
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
        Stream<? extends T> stream;
        try {
            stream = Objects.requireNonNull(streams.get(), "the stream supplier returned null");
        } catch (Throwable t) {
            subscriber.onSubscribe(new Emission<>(Stream.empty(), subscriber));
            subscriber.onError(t);
            return;
        }
        Emission<T> emission = new Emission<>(stream, subscriber);
        try {
            subscriber.onSubscribe(emission);
        } catch (Throwable t) {
            stream.cancel(); // rule 2.13: a subscriber that throws is treated as cancelled
            throw t;
        }
        handle.spawn(emission.task);
    }

    /** One subscription: the subscriber's side ({@link Flow.Subscription}) and the task's side. */
    static final class Emission<T> implements Flow.Subscription {
        private final Stream<? extends T> stream;
        private final Flow.Subscriber<? super T> subscriber;
        final Future<Void> task = new Task();
        private final AtomicLong demand = new AtomicLong();
        private volatile boolean cancelled;
        /** A request(n) with n <= 0 to report (rule 3.9); 1 while there is none. */
        private volatile long badRequest = 1;
        private volatile Waker waker;
        // The task's.
        private boolean done;

        Emission(Stream<? extends T> stream, Flow.Subscriber<? super T> subscriber) {
            this.stream = stream;
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                badRequest = n;
            } else {
                // rule 3.17: demand saturates at Long.MAX_VALUE, which then means "unbounded"
                demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
            }
            wakeTask();
        }

        @Override
        public void cancel() {
            cancelled = true;
            wakeTask();
        }

        private void wakeTask() {
            Waker w = waker;
            if (w != null) {
                w.wake();
            }
        }

        /** The spawned driver: pulls items while there is demand and signals them. */
        private final class Task implements Future<Void> {
            @Override
            public Object poll(Context cx) {
                if (done) {
                    return null;
                }
                waker = cx.waker();
                while (true) {
                    if (cancelled) {
                        done = true;
                        stream.cancel(); // rule 3.13 asks us to drop the subscriber too: the task ends
                        return null;
                    }
                    long bad = badRequest;
                    if (bad <= 0) {
                        return finish(new IllegalArgumentException("Reactive Streams rule 3.9: request(n)"
                                + " needs n > 0, got " + bad));
                    }
                    if (demand.get() == 0) {
                        return PENDING;
                    }
                    if (!Coop.proceed(cx)) {
                        return PENDING; // woken already: other tasks first, then more items
                    }
                    Object r;
                    try {
                        r = stream.pollNext(cx);
                    } catch (Throwable t) {
                        done = true;
                        subscriber.onError(t);
                        return null;
                    }
                    if (r == PENDING) {
                        Coop.refund();
                        return PENDING;
                    }
                    if (r == null) {
                        done = true;
                        subscriber.onComplete();
                        return null;
                    }
                    if (demand.get() != Long.MAX_VALUE) {
                        demand.decrementAndGet();
                    }
                    emit(r);
                }
            }

            @SuppressWarnings("unchecked")
            private void emit(Object item) {
                try {
                    subscriber.onNext((T) item);
                } catch (Throwable t) {
                    done = true; // rule 2.13: treated as a cancel; the failure fails this task (reported)
                    stream.cancel();
                    throw t;
                }
            }

            /** Cancels the stream and ends the subscription with {@code failure}. */
            private Object finish(Throwable failure) {
                done = true;
                failure = Operators.cancelQuietly(stream::cancel, failure);
                subscriber.onError(failure);
                return null;
            }

            /**
             * The task was cancelled (the runtime is closing, or it was aborted): the stream is
             * cancelled and a subscriber that is still listening gets a {@code CancellationException}.
             */
            @Override
            public void cancel() {
                if (done) {
                    return;
                }
                done = true;
                Throwable failure = Operators.cancelQuietly(stream::cancel, null);
                if (!cancelled) {
                    CancellationException e = new CancellationException("the task emitting this publisher's"
                            + " stream was cancelled (its runtime closed, or it was aborted)");
                    if (failure != null) {
                        e.addSuppressed(failure);
                    }
                    subscriber.onError(e);
                }
            }
        }
    }
}
