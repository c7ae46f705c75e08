package dev.weft.compose;

import dev.weft.Context;
import dev.weft.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The wakers of a combinator that owns a fixed array of futures ({@link JoinAll}, {@link Select}):
 * one per child, each recording that its child was woken, so a poll looks only at woken children.
 *
 * <p>Implementation overview. Each child is polled with its own {@link Child}, a context that is also
 * its waker. A wake sets the child's {@code marked} flag and, on the false-to-true edge only, appends
 * the child to {@code woken}, then wakes the parent (the task polling the combinator). So a child is
 * queued at most once between two of its polls, whatever the number of wakes. Before polling a child,
 * the poller clears its flag: a wake that races with that poll marks and queues it again, so no wake
 * is lost. Wakes come from any thread; the flag, the queue and the volatile {@code parent} are the
 * only shared state, and the poller is the only reader of the queue. The queue's own happens-before
 * edge (offer before poll) makes what the waker wrote before its wake visible to the child's next
 * poll, as the {@link Waker} contract asks.
 *
 * <p>{@link #detach()} clears the parent when the combinator is done, so that children which outlive
 * it (futures a select borrowed) do not wake a task that no longer waits for them.
 */
final class ChildWakers {
    private final Child[] children;
    private final ConcurrentLinkedQueue<Child> woken = new ConcurrentLinkedQueue<>();
    private volatile Waker parent;

    ChildWakers(int count) {
        children = new Child[count];
        for (int i = 0; i < count; i++) {
            children[i] = new Child(this, i);
        }
    }

    /** The context (and waker) of child {@code index}. */
    Child child(int index) {
        return children[index];
    }

    int size() {
        return children.length;
    }

    /** Records the waker of the poll now running; every later child wake wakes it. */
    void parent(Waker waker) {
        parent = waker;
    }

    /** Stops child wakes from reaching the parent; for a combinator that has completed. */
    void detach() {
        parent = null;
    }

    /**
     * How many children are queued now. A poll takes only this many with {@link #nextWoken()}: a child
     * that wakes itself while it is polled (a spent budget, a yield) waits for the next poll, or the
     * poll would never end.
     */
    int wokenCount() {
        return woken.size();
    }

    /** The next queued child, or null; the caller polls it after {@link Child#clearMark()}. */
    Child nextWoken() {
        return woken.poll();
    }

    /** A child's context and waker in one object: waking marks the child and wakes the parent. */
    static final class Child extends Context implements Waker {
        private static final VarHandle MARKED;

        static {
            try {
                MARKED = MethodHandles.lookup().findVarHandle(Child.class, "marked", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final ChildWakers owner;
        final int index;
        /** Set by a wake, cleared by the poller; a field, not an AtomicBoolean, to save an object per child. */
        private volatile boolean marked;

        private Child(ChildWakers owner, int index) {
            this.owner = owner;
            this.index = index;
        }

        /** Call just before polling the child: a wake from here on queues it again. */
        void clearMark() {
            marked = false;
        }

        @Override
        public void wake() {
            if (!marked && MARKED.compareAndSet(this, false, true)) {
                owner.woken.add(this);
            }
            Waker p = owner.parent;
            if (p != null) {
                p.wake();
            }
        }
    }
}
