package dev.weft.stream;

import dev.weft.Context;
import dev.weft.Coop;
import dev.weft.Future;
import java.util.Iterator;
import java.util.function.Supplier;

/**
 * The streams that {@link Stream}'s static factories make from things that are not streams: iterators
 * (of, fromIterable, iterate, generate), and repeated futures (an {@code Mpsc} receiver's receives, an
 * {@code Interval}'s ticks). Polled by one task at a time, like every stream; plain fields.
 */
final class Sources {
    private Sources() {
    }

    /**
     * Items of an iterator made at the first poll. Always ready, so each poll spends a unit of the
     * cooperative budget: a task looping over a long iterable still gives its worker up now and then.
     */
    static final class FromIterator<T> implements Stream<T> {
        private final Supplier<? extends Iterator<? extends T>> source;
        private Iterator<? extends T> it;
        private boolean done;

        FromIterator(Supplier<? extends Iterator<? extends T>> source) {
            this.source = source;
        }

        @Override
        public Object pollNext(Context cx) {
            if (done) {
                return null;
            }
            if (!Coop.proceed(cx)) {
                return Future.PENDING; // out of budget: the task was woken and yields first
            }
            try {
                if (it == null) {
                    it = source.get();
                }
                if (!it.hasNext()) {
                    cancel();
                    return null;
                }
                return Operators.item(it.next(), "the iterator");
            } catch (Throwable t) {
                cancel();
                throw t;
            }
        }

        @Override
        public void cancel() {
            done = true;
            it = null;
        }
    }

    /**
     * A stream made of one future after another (a receive, a tick): one in flight, made afresh after
     * each output; a null output ends the stream. Cancel-safe when the futures are: a cancelled
     * {@code next()} leaves the future in flight here, and the next poll goes on with it. Cancelling
     * the stream cancels the future in flight (a receive's waker leaves the channel, a tick's timer
     * leaves the wheel), then runs {@code onCancel} (closing the receiver).
     */
    static final class Repeated<T> implements Stream<T> {
        private final Supplier<? extends Future<? extends T>> source;
        private final Runnable onCancel;
        private Future<? extends T> current;
        private boolean done;

        Repeated(Supplier<? extends Future<? extends T>> source, Runnable onCancel) {
            this.source = source;
            this.onCancel = onCancel;
        }

        @Override
        public Object pollNext(Context cx) {
            if (done) {
                return null;
            }
            if (current == null) {
                current = source.get();
            }
            Object r;
            try {
                r = current.poll(cx); // receives and ticks spend their own budget unit
            } catch (Throwable t) {
                done = true;
                current = null;
                throw t;
            }
            if (r != Future.PENDING) {
                current = null;
                done = r == null;
            }
            return r;
        }

        @Override
        public void cancel() {
            done = true;
            Future<? extends T> f = current;
            current = null;
            try {
                if (f != null) {
                    f.cancel();
                }
            } finally {
                onCancel.run();
            }
        }
    }
}
