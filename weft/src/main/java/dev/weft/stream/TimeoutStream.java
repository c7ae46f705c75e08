package dev.weft.stream;

import dev.weft.AsyncException;
import dev.weft.Context;
import dev.weft.Future;
import dev.weft.time.ElapsedException;
import dev.weft.time.Sleep;
import java.time.Duration;

/**
 * {@link Stream#timeout}: a time limit per item. The limit for an item starts at the first poll that
 * asks for it and finds the upstream pending: that poll makes a {@link Sleep} (deadline now plus the
 * limit, on the runtime's clock), later polls for the same item poll it, and the item's arrival (or
 * the end, or a failure) takes its timer out of the wheel. An item that is ready at once never touches
 * the wheel. The upstream is polled before the timer, so an item that arrives together with the
 * deadline is delivered rather than lost. Polled by one task at a time; plain fields.
 */
final class TimeoutStream<T> implements Stream<T> {
    private final Stream<T> upstream;
    private final Duration limit;
    /** The deadline of the item being waited for; null between items. */
    private Sleep deadline;
    private boolean done;

    TimeoutStream(Stream<T> upstream, Duration limit) {
        this.upstream = upstream;
        this.limit = limit;
    }

    @Override
    public Object pollNext(Context cx) {
        if (done) {
            return null;
        }
        Object r;
        try {
            r = upstream.pollNext(cx);
        } catch (Throwable t) {
            done = true;
            stopTimer();
            throw Operators.failed(t, upstream);
        }
        if (r != Future.PENDING) {
            stopTimer();
            done = r == null;
            return r;
        }
        if (deadline == null) {
            deadline = Sleep.after(limit);
        }
        if (deadline.poll(cx) == Future.PENDING) {
            return Future.PENDING;
        }
        done = true;
        deadline = null;
        ElapsedException elapsed = new ElapsedException("timed out: the stream's next item did not arrive"
                + " within " + limit.toMillis() + " ms; the stream was cancelled", limit);
        throw AsyncException.rethrow(Operators.cancelQuietly(upstream::cancel, elapsed));
    }

    private void stopTimer() {
        Sleep d = deadline;
        deadline = null;
        if (d != null) {
            d.cancel();
        }
    }

    @Override
    public void cancel() {
        done = true;
        try {
            stopTimer();
        } finally {
            upstream.cancel();
        }
    }
}
