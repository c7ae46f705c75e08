package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import java.util.concurrent.atomic.AtomicInteger;

/** Polling futures by hand, outside any runtime, with a waker that counts its wakes. */
final class Polls {
    private Polls() {
    }

    static final class CountingWaker implements Waker {
        final AtomicInteger wakes = new AtomicInteger();

        @Override
        public void wake() {
            wakes.incrementAndGet();
        }
    }

    /** A future under test with its own waker. */
    static final class Probe<T> {
        final Future<T> future;
        final CountingWaker waker = new CountingWaker();
        private final Context cx = new Context(waker);

        Probe(Future<T> future) {
            this.future = future;
        }

        /** Polls once: the output, or {@link Future#PENDING}. */
        Object poll() {
            return future.poll(cx);
        }

        boolean isPendingNow() {
            return poll() == Future.PENDING;
        }

        int wakes() {
            return waker.wakes.get();
        }
    }

    static <T> Probe<T> probe(Future<T> f) {
        return new Probe<>(f);
    }
}
