package dev.weft.stream;

import dev.weft.Context;
import dev.weft.Waker;
import java.util.concurrent.atomic.AtomicInteger;

/** Polls a stream by hand, outside any runtime, with a waker that counts its wakes. */
final class Probe<T> {
    final Stream<T> stream;
    private final AtomicInteger wakes = new AtomicInteger();
    private final Context cx = new Context((Waker) wakes::incrementAndGet);

    Probe(Stream<T> stream) {
        this.stream = stream;
    }

    static <T> Probe<T> of(Stream<T> stream) {
        return new Probe<>(stream);
    }

    /** One poll: an item, {@code Future.PENDING}, or null. */
    Object poll() {
        return stream.pollNext(cx);
    }

    int wakes() {
        return wakes.get();
    }

    Context context() {
        return cx;
    }
}
