package dev.weft.stream;

import dev.weft.AsyncException;
import dev.weft.Context;
import dev.weft.Future;
import dev.weft.internal.ReadyQueue;
import java.util.function.Function;

/**
 * {@link Stream#buffered} and {@link Stream#bufferUnordered}: up to {@code limit} futures, made from
 * upstream items, running at once.
 *
 * <p>State. Every future made and whose output has not been returned is a {@link Slot} in a doubly
 * linked list kept in input order; {@code inFlight} counts them and never exceeds {@code limit}, so a
 * finished future whose output waits behind a slow head still takes its place (memory stays bounded,
 * as in the futures crate). Each slot's future is polled with its own {@link ReadyQueue.Member}, so a
 * poll polls only futures that were woken (and new ones).
 *
 * <p>A poll: (1) ordered, a completed head is returned at once; (2) the list is topped up from
 * upstream while there is room and upstream is ready; (3) the woken futures are polled: unordered,
 * the first to complete is returned; ordered, outputs are kept in their slots and the head's is
 * returned once it has one. When it returns pending, every slot still running has its waker armed
 * (it was polled or is queued in the ready queue, whose wakes wake this task), and upstream was
 * polled (with this task's waker) unless the list is full or upstream has ended.
 *
 * <p>Polled by one task at a time: plain fields, except what {@link ReadyQueue} explains.
 */
final class Buffered<T, U> implements Stream<U> {
    private final Stream<T> upstream;
    private final int limit;
    private final Function<? super T, ? extends Future<? extends U>> fn;
    private final boolean ordered;
    private final ReadyQueue<Slot<U>> ready = new ReadyQueue<>();
    private Slot<U> head;
    private Slot<U> tail;
    private int inFlight;
    private boolean upstreamDone;
    private boolean done;

    /** One future in flight, or its output waiting for its turn. */
    private static final class Slot<U> {
        final Future<? extends U> future;
        ReadyQueue.Member<Slot<U>> member;
        Object output; // non-null once the future has completed
        Slot<U> prev;
        Slot<U> next;

        Slot(Future<? extends U> future) {
            this.future = future;
        }
    }

    Buffered(Stream<T> upstream, int limit, Function<? super T, ? extends Future<? extends U>> fn,
            boolean ordered) {
        if (limit < 1) {
            throw new IllegalArgumentException("buffered needs at least one future in flight, got " + limit);
        }
        this.upstream = upstream;
        this.limit = limit;
        this.fn = fn;
        this.ordered = ordered;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object pollNext(Context cx) {
        if (done) {
            return null;
        }
        try {
            if (ordered && head != null && head.output != null) {
                return take(head);
            }
            while (!upstreamDone && inFlight < limit) {
                Object r = upstream.pollNext(cx);
                if (r == Future.PENDING) {
                    break;
                }
                if (r == null) {
                    upstreamDone = true;
                } else {
                    append(new Slot<>(Operators.item(fn.apply((T) r), "the function given to buffered")));
                }
            }
            for (int n = ready.begin(cx.waker()); n > 0; n--) {
                ReadyQueue.Member<Slot<U>> m = ready.next();
                if (m.done) {
                    continue;
                }
                Object out;
                try {
                    out = m.child.future.poll(m);
                } catch (Throwable t) {
                    m.done = true; // it failed: nothing to cancel
                    throw t;
                }
                if (out == Future.PENDING) {
                    continue;
                }
                m.done = true;
                m.child.output = Operators.item(out, "a buffered future");
                if (!ordered || m.child == head) {
                    return take(m.child);
                }
            }
            if (inFlight == 0 && upstreamDone) {
                done = true;
                return null;
            }
            return Future.PENDING;
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    private void append(Slot<U> s) {
        s.member = ready.add(s);
        s.prev = tail;
        if (tail == null) {
            head = s;
        } else {
            tail.next = s;
        }
        tail = s;
        inFlight++;
    }

    /** Unlinks a completed slot and returns its output. */
    private Object take(Slot<U> s) {
        if (s.prev == null) {
            head = s.next;
        } else {
            s.prev.next = s.next;
        }
        if (s.next == null) {
            tail = s.prev;
        } else {
            s.next.prev = s.prev;
        }
        s.prev = null;
        s.next = null;
        inFlight--;
        Object out = s.output;
        s.output = null;
        return out;
    }

    private RuntimeException fail(Throwable failure) {
        throw AsyncException.rethrow(release(failure));
    }

    @Override
    public void cancel() {
        if (done) {
            return;
        }
        Throwable cleanup = release(null);
        if (cleanup != null) {
            throw AsyncException.rethrow(cleanup);
        }
    }

    /**
     * Ends the stream: cancels every future still running and the upstream, each even if another's
     * cleanup throws, and drops waiting outputs; returns {@code failure} (or, if null, the first
     * cleanup failure) with any cleanup failures attached.
     */
    private Throwable release(Throwable failure) {
        done = true;
        for (Slot<U> s = head; s != null; s = s.next) {
            if (!s.member.done) {
                s.member.done = true;
                failure = Operators.cancelQuietly(s.future::cancel, failure);
            }
            s.output = null;
        }
        head = null;
        tail = null;
        inFlight = 0;
        return Operators.cancelQuietly(upstream::cancel, failure);
    }
}
