package dev.weft.stream;

import dev.weft.AsyncException;
import dev.weft.Context;
import dev.weft.Future;
import dev.weft.internal.ReadyQueue;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Stream#merge}: the items of several streams, as they come.
 *
 * <p>Each sub-stream is polled with its own {@link ReadyQueue.Member}, so a poll looks only at the
 * sub-streams woken since they were last polled (all of them, the first time). A sub-stream that hands
 * out an item is put back behind the others that are ready: the next poll tries them first, so one
 * busy sub-stream cannot starve the rest. Polled by one task at a time; plain fields apart from what
 * {@link ReadyQueue} explains.
 */
final class Merge<T> implements Stream<T> {
    private final ReadyQueue<Stream<? extends T>> ready = new ReadyQueue<>();
    private final List<ReadyQueue.Member<Stream<? extends T>>> members;
    private int live;
    private boolean done;

    Merge(List<? extends Stream<? extends T>> streams) {
        members = new ArrayList<>(streams.size());
        for (Stream<? extends T> s : streams) {
            members.add(ready.add(s)); // List.of/copyOf refused nulls already
        }
        live = members.size();
    }

    @Override
    public Object pollNext(Context cx) {
        if (done) {
            return null;
        }
        for (int n = ready.begin(cx.waker()); n > 0; n--) {
            ReadyQueue.Member<Stream<? extends T>> m = ready.next();
            if (m.done) {
                continue;
            }
            Object r;
            try {
                r = m.child.pollNext(m);
            } catch (Throwable t) {
                m.done = true;
                throw fail(t);
            }
            if (r == null) {
                m.done = true;
                live--;
            } else if (r != Future.PENDING) {
                ready.requeue(m);
                return r;
            }
        }
        if (live == 0) {
            done = true;
            return null;
        }
        return Future.PENDING;
    }

    private RuntimeException fail(Throwable failure) {
        done = true;
        throw AsyncException.rethrow(cancelLive(failure));
    }

    @Override
    public void cancel() {
        if (done) {
            return;
        }
        done = true;
        Throwable cleanup = cancelLive(null);
        if (cleanup != null) {
            throw AsyncException.rethrow(cleanup);
        }
    }

    /**
     * Cancels every sub-stream that has not ended, each even if another's cleanup throws; returns
     * {@code failure} (or, if null, the first cleanup failure) with any cleanup failures attached.
     */
    private Throwable cancelLive(Throwable failure) {
        for (ReadyQueue.Member<Stream<? extends T>> m : members) {
            if (!m.done) {
                m.done = true;
                failure = Operators.cancelQuietly(m.child::cancel, failure);
            }
        }
        return failure;
    }
}
