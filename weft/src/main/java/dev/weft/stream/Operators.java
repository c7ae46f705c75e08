package dev.weft.stream;

import dev.weft.AsyncException;
import dev.weft.Context;
import dev.weft.Future;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The one-upstream operators of {@link Stream} that hold at most one thing in flight: map, filter,
 * take, then, fuse, and the consuming fold. Each is a small state machine polled by one task at a
 * time, so no field needs more than plain access (the poller's own happens-before edges between polls
 * cover them).
 *
 * <p>Shared rules, which make every one of them fused and owning: a {@code done} flag is set at the
 * end and at a failure, after which {@code pollNext} returns null without touching the upstream; a
 * failure, from upstream or from the operator's own function, cancels what the operator owns before it
 * is thrown (upstream cancel is idempotent, so cancelling an upstream that itself failed is harmless,
 * and it releases a hand-written upstream that does not clean up after its own failure).
 */
final class Operators {
    private Operators() {
    }

    /**
     * Cancels {@code owned} after {@code failure}, attaching a cleanup failure to it as suppressed, and
     * throws {@code failure} by Weft's rules. Declared to return for {@code throw failed(...)}.
     */
    static RuntimeException failed(Throwable failure, Stream<?> owned) {
        throw AsyncException.rethrow(cancelQuietly(owned::cancel, failure));
    }

    /**
     * Runs {@code cancel}; if it throws, returns {@code failure} with that cleanup failure attached as
     * suppressed, or the cleanup failure itself when {@code failure} is null. Returns {@code failure}
     * otherwise. For cancelling several owned things after (or without) a failure, losing nothing.
     */
    static Throwable cancelQuietly(Runnable cancel, Throwable failure) {
        try {
            cancel.run();
        } catch (Throwable cleanup) {
            if (failure == null) {
                return cleanup;
            }
            if (cleanup != failure) {
                failure.addSuppressed(cleanup);
            }
        }
        return failure;
    }

    /** An item produced by a user function; null is refused because null means the end. */
    static <U> U item(U value, String what) {
        if (value == null) {
            throw new NullPointerException(what + " returned null; a stream item is never null (null ends"
                    + " a stream)");
        }
        return value;
    }

    /**
     * {@link Stream#map} and {@link Stream#filter}: {@code fn} maps an item, or, when filtering,
     * returns null to drop it (map's function may not return null).
     */
    static final class Mapped<T, U> implements Stream<U> {
        private final Stream<T> upstream;
        private final Function<? super T, ? extends U> fn;
        private final boolean filtering;
        private boolean done;

        Mapped(Stream<T> upstream, Function<? super T, ? extends U> fn, boolean filtering) {
            this.upstream = upstream;
            this.fn = fn;
            this.filtering = filtering;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object pollNext(Context cx) {
            if (done) {
                return null;
            }
            try {
                while (true) {
                    // Dropped items do not end the poll; a source that is always ready spends the
                    // cooperative budget, so this loop gives its worker up in time.
                    Object r = upstream.pollNext(cx);
                    if (r == null) {
                        done = true;
                        return null;
                    }
                    if (r == Future.PENDING) {
                        return r;
                    }
                    U out = fn.apply((T) r);
                    if (out != null || !filtering) {
                        return item(out, "map's function");
                    }
                }
            } catch (Throwable t) {
                done = true;
                throw failed(t, upstream);
            }
        }

        @Override
        public void cancel() {
            done = true;
            upstream.cancel();
        }
    }

    /** {@link Stream#take}. */
    static final class Take<T> implements Stream<T> {
        private final Stream<T> upstream;
        private final long limit;
        private long taken;
        private boolean done;

        Take(Stream<T> upstream, long limit) {
            this.upstream = upstream;
            this.limit = limit;
        }

        @Override
        public Object pollNext(Context cx) {
            if (done) {
                return null;
            }
            if (taken == limit) {
                cancel(); // take(0): the upstream is released without ever being polled
                return null;
            }
            Object r;
            try {
                r = upstream.pollNext(cx);
            } catch (Throwable t) {
                done = true;
                throw failed(t, upstream);
            }
            if (r == null) {
                done = true;
            } else if (r != Future.PENDING && ++taken == limit) {
                cancel(); // the last item: release the upstream now, not when the consumer closes
            }
            return r;
        }

        @Override
        public void cancel() {
            done = true;
            upstream.cancel();
        }
    }

    /** {@link Stream#then}: one future in flight. */
    static final class Then<T, U> implements Stream<U> {
        private final Stream<T> upstream;
        private final Function<? super T, ? extends Future<? extends U>> fn;
        private Future<? extends U> current;
        private boolean done;

        Then(Stream<T> upstream, Function<? super T, ? extends Future<? extends U>> fn) {
            this.upstream = upstream;
            this.fn = fn;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object pollNext(Context cx) {
            if (done) {
                return null;
            }
            try {
                if (current == null) {
                    Object r = upstream.pollNext(cx);
                    if (r == null) {
                        done = true;
                        return null;
                    }
                    if (r == Future.PENDING) {
                        return r;
                    }
                    current = item(fn.apply((T) r), "then's function");
                }
                Object out = current.poll(cx);
                if (out == Future.PENDING) {
                    return out;
                }
                current = null;
                return item(out, "the future of then's function");
            } catch (Throwable t) {
                done = true;
                current = null; // it failed, or it completed: nothing to cancel
                throw failed(t, upstream);
            }
        }

        @Override
        public void cancel() {
            done = true;
            Future<? extends U> f = current;
            current = null;
            try {
                if (f != null) {
                    f.cancel();
                }
            } finally {
                upstream.cancel();
            }
        }
    }

    /** {@link Stream#fuse}. */
    static final class Fused<T> implements Stream<T> {
        private final Stream<T> upstream;
        private boolean done;

        Fused(Stream<T> upstream) {
            this.upstream = upstream;
        }

        @Override
        public Object pollNext(Context cx) {
            if (done) {
                return null;
            }
            try {
                Object r = upstream.pollNext(cx);
                done = r == null;
                return r;
            } catch (Throwable t) {
                done = true;
                throw t;
            }
        }

        @Override
        public void cancel() {
            done = true;
            upstream.cancel();
        }
    }

    /** {@link Stream#fold}, and through it collect and toList. */
    static final class Fold<T, R> implements Future<R> {
        private final Stream<T> stream;
        private final BiFunction<? super R, ? super T, ? extends R> fn;
        private R acc;
        private boolean done;

        Fold(Stream<T> stream, R initial, BiFunction<? super R, ? super T, ? extends R> fn) {
            this.stream = stream;
            this.acc = initial;
            this.fn = fn;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object poll(Context cx) {
            if (done) {
                throw new IllegalStateException("this fold already completed");
            }
            try {
                while (true) {
                    Object r = stream.pollNext(cx);
                    if (r == Future.PENDING) {
                        return r;
                    }
                    if (r == null) {
                        done = true;
                        R result = acc;
                        acc = null;
                        return result;
                    }
                    acc = fn.apply(acc, (T) r);
                }
            } catch (Throwable t) {
                done = true;
                acc = null;
                throw failed(t, stream);
            }
        }

        @Override
        public void cancel() {
            done = true;
            acc = null;
            stream.cancel();
        }
    }
}
