package dev.weft.stream;

import dev.weft.AsyncException;
import dev.weft.Context;
import dev.weft.Coop;
import dev.weft.Future;
import dev.weft.Waker;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link FlowStreams#fromPublisher}: a {@link Flow.Publisher}'s items as a stream, with bounded
 * demand.
 *
 * <p>Algorithm. The first poll subscribes an {@link Inbox}. The publisher's signals (on its threads,
 * serially, as Reactive Streams rule 1.3 promises) go into a buffer under {@code lock} and wake the
 * poller's waker. Demand is issued only by the poller, after it released the lock: {@code prefetch}
 * items on the first poll that sees the subscription, then, once {@code replenishAt} items (three
 * quarters of {@code prefetch}) have been taken out of the buffer, that many more. So items buffered
 * plus demand outstanding never exceed {@code prefetch}: the buffer is bounded, and a publisher that
 * sends more than was asked for is caught (the stream fails and the subscription is cancelled).
 * Because only the poller (one thread at a time, with happens-before between polls) ever calls
 * {@code request} or {@code cancel}, those calls are serial, as rule 2.7 requires; the exception is a
 * subscription that arrives after the stream was cancelled, which {@code onSubscribe} cancels itself
 * (the poller never saw it).
 *
 * <p>Items buffered before {@code onError} or {@code onComplete} are delivered first, then the failure
 * or the end. Nothing is called out to (publisher, waker) with the lock held: a synchronous publisher
 * may signal {@code onNext} from inside {@code request}, on the poller's own thread.
 *
 * <p>Fields: those under "guarded by lock" are written by the publisher's threads and the poller;
 * the rest belong to the poller.
 */
final class PublisherStream<T> implements Stream<T> {
    private final Flow.Publisher<? extends T> publisher;
    private final int prefetch;
    private final int replenishAt;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private final ArrayDeque<T> buffer;
    private Flow.Subscription subscription;
    private Throwable failure;
    private boolean completed;
    private boolean overflowed;
    private boolean cancelled;
    private Waker waker;
    // The poller's.
    private boolean subscribed;
    private boolean requestedFirst;
    private int consumed;
    private boolean done;

    PublisherStream(Flow.Publisher<? extends T> publisher, int prefetch) {
        if (prefetch < 1) {
            throw new IllegalArgumentException("prefetch must be positive, got " + prefetch);
        }
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.prefetch = prefetch;
        this.replenishAt = Math.max(1, prefetch - prefetch / 4);
        this.buffer = new ArrayDeque<>(Math.min(prefetch, 1024));
    }

    @Override
    public Object pollNext(Context cx) {
        if (done) {
            return null;
        }
        if (!Coop.proceed(cx)) {
            return Future.PENDING;
        }
        if (!subscribed) {
            subscribed = true;
            try {
                publisher.subscribe(new Inbox());
            } catch (Throwable t) {
                done = true;
                throw AsyncException.rethrow(t);
            }
        }
        Flow.Subscription toRequest = null;
        long n = 0;
        T item;
        Throwable failed = null;
        boolean ended = false;
        Flow.Subscription toCancel = null;
        lock.lock();
        try {
            if (subscription != null && !requestedFirst) {
                requestedFirst = true;
                toRequest = subscription;
                n = prefetch;
            }
            item = buffer.poll();
            if (item != null) {
                if (++consumed == replenishAt) {
                    toRequest = subscription;
                    n += consumed;
                    consumed = 0;
                }
            } else if (failure != null) {
                failed = failure;
                toCancel = overflowed ? subscription : null;
            } else if (completed) {
                ended = true;
            } else {
                waker = cx.waker();
            }
        } finally {
            lock.unlock();
        }
        if (toRequest != null) {
            toRequest.request(n);
        }
        if (item != null) {
            return item;
        }
        if (failed != null) {
            done = true;
            if (toCancel != null) {
                toCancel.cancel();
            }
            throw AsyncException.rethrow(failed);
        }
        if (ended) {
            done = true;
            return null;
        }
        Coop.refund();
        return Future.PENDING;
    }

    /** Cancels the subscription (now, or when it arrives) and drops the buffered items. */
    @Override
    public void cancel() {
        done = true;
        Flow.Subscription s;
        lock.lock();
        try {
            if (cancelled) {
                return;
            }
            cancelled = true;
            s = subscription;
            buffer.clear();
            waker = null;
        } finally {
            lock.unlock();
        }
        if (s != null) {
            s.cancel();
        }
    }

    /** The subscriber handed to the publisher; its methods run on the publisher's threads. */
    private final class Inbox implements Flow.Subscriber<T> {
        @Override
        public void onSubscribe(Flow.Subscription s) {
            Objects.requireNonNull(s, "subscription"); // rule 2.13
            boolean refuse;
            Waker w = null;
            lock.lock();
            try {
                refuse = subscription != null || cancelled; // rule 2.5, or the stream is gone already
                if (!refuse) {
                    subscription = s;
                    w = takeWaker();
                }
            } finally {
                lock.unlock();
            }
            if (refuse) {
                s.cancel();
            } else if (w != null) {
                w.wake(); // the poller issues the first request
            }
        }

        @Override
        public void onNext(T item) {
            Objects.requireNonNull(item, "item"); // rule 2.13
            Waker w;
            lock.lock();
            try {
                if (cancelled || failure != null || completed) {
                    return;
                }
                if (buffer.size() == prefetch) {
                    overflowed = true;
                    failure = new IllegalStateException("the publisher sent more items than were requested"
                            + " (Reactive Streams rule 1.1); the subscription was cancelled");
                } else {
                    buffer.add(item);
                }
                w = takeWaker();
            } finally {
                lock.unlock();
            }
            if (w != null) {
                w.wake();
            }
        }

        @Override
        public void onError(Throwable t) {
            Objects.requireNonNull(t, "throwable"); // rule 2.13
            terminate(AsyncException.unchecked(t));
        }

        @Override
        public void onComplete() {
            terminate(null);
        }

        private void terminate(Throwable t) {
            Waker w;
            lock.lock();
            try {
                if (failure != null || completed) {
                    return;
                }
                if (t != null) {
                    failure = t;
                } else {
                    completed = true;
                }
                w = takeWaker();
            } finally {
                lock.unlock();
            }
            if (w != null) {
                w.wake();
            }
        }

        /** Under the lock: the poller's waker, cleared (one wake per pending poll is enough). */
        private Waker takeWaker() {
            Waker w = waker;
            waker = null;
            return w;
        }
    }
}
