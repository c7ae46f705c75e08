package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Coop;
import dev.weft.Future;
import dev.weft.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A multi-producer, multi-consumer broadcast channel: every value sent is seen by every receiver
 * subscribed when it was sent, in the order sent. Sending never waits; a receiver that falls too far
 * behind loses the oldest values instead of holding the senders back, and is told how many it lost.
 *
 * <pre>{@code
 * Broadcast<Event> events = Broadcast.channel(64);
 * Broadcast.Sender<Event> tx = events.sender();
 * Broadcast.Receiver<Event> rx = tx.subscribe();          // sees values sent from now on
 * Weft.spawn(() -> {
 *     try (rx) {
 *         Event e;
 *         while (true) {
 *             try {
 *                 if ((e = rx.recv().await()) == null) {
 *                     break;                              // every sender closed, all seen
 *                 }
 *                 handle(e);
 *             } catch (Broadcast.LaggedException lagged) {
 *                 log("missed " + lagged.missed());       // goes on from the oldest value kept
 *             }
 *         }
 *     }
 * });
 * tx.send(new Event("started"));                          // returns how many receivers will see it
 * }</pre>
 *
 * <p><b>Capacity and lag.</b> The channel keeps the last {@link #capacity()} values in a ring
 * ({@code channel(n)} rounds {@code n} up to a power of two). A send into a full ring overwrites the
 * oldest value, whether or not every receiver has read it. A receiver whose next value was
 * overwritten fails its next receive with {@link LaggedException} saying how many values it missed,
 * and moves to the oldest value still kept, so the receive after that goes on from there.
 *
 * <p><b>Closing rules.</b> Java has no destructor, so a handle is gone when it is closed.
 * <ul>
 *   <li>A channel starts with no receivers: {@link Sender#subscribe()} (or
 *       {@link Receiver#resubscribe()}) makes one. A send while there are none throws
 *       {@link ChannelClosedException} carrying the value, so it is never dropped unseen; the channel
 *       stays usable, and a later subscriber makes sends succeed again.</li>
 *   <li>{@link Sender#duplicate()} makes more senders; when every sender has closed, receivers still
 *       get every value kept for them, then null.</li>
 *   <li>A value is released from the ring (no longer reachable from the channel) once every receiver
 *       that was subscribed when it was sent has read it or closed. Close receivers you no longer read
 *       from: an abandoned receiver keeps up to {@code capacity} values reachable and keeps counting
 *       in {@link Sender#receiverCount()}.</li>
 * </ul>
 * Values are never null (a receive's null means closed).
 *
 * <p><b>Cost.</b> A send takes the channel's lock, stores one small entry, and wakes the receivers
 * waiting for it (outside the lock). A receive of a value already in the ring takes no lock: one
 * volatile read of the slot and one atomic decrement. A receive that finds nothing, or that lagged,
 * takes the lock. Memory: the ring of {@code capacity} slots.
 *
 * <p><b>Memory consistency.</b> Actions in a thread before it sends a value happen-before actions
 * after any receive that returns that value.
 */
public final class Broadcast<T> {
    /*
     * Implementation overview.
     *
     * Positions. Every send takes the next position (0, 1, 2, ...) from `tail` and stores an Entry
     * (position, value, remaining readers) in slot `position & mask` of the ring, replacing the whole
     * Entry object: a reader sees a slot's old Entry or its new one, never a mix. A receiver keeps the
     * position it reads next (`Receiver.next`); subscribing sets it to `tail`.
     *
     * The lock guards `tail` advancing, the slot writes, `receivers`, `senders`, `closed` and the wait
     * list. `tail` is volatile only so that len() can read it without the lock. Under the lock, for a
     * receiver at position p (p <= tail always):
     *   p == tail                -> nothing new for it (empty, or done if closed);
     *   slot(p).pos == p         -> its value is there;
     *   slot(p).pos >  p         -> it was overwritten (p < tail - capacity): lagged.
     * A slot never holds a position below p while p < tail, because the slot's latest write is the
     * greatest position below tail with that index.
     *
     * Fast path. A receiver first reads its slot without the lock; if the Entry there has its
     * position, the value is its: that volatile read is where the receive takes effect, and an Entry
     * overwritten just after is still a consistent object to read the value from. Anything else (empty,
     * lagged, or a send in progress) is decided again under the lock.
     *
     * Release. An Entry is created with `remaining` = the receivers subscribed at that send (read under
     * the lock, as subscribe and receiver-close change that count under the lock). Each of those
     * receivers decrements it once: when it reads the value, or when it closes and walks the positions
     * it had not read. The one that takes it to zero clears the value. Every counted reader reads the
     * value before its own decrement, and the atomic decrements are totally ordered, so no reader can
     * see the cleared value. A receiver that lags past an Entry never decrements it, but that Entry is
     * no longer in the ring.
     *
     * Waiting. A receive that finds nothing adds its future (a WaitList node) to the wait list under
     * the lock; every send and the last sender's close empty the list under the lock, collect the
     * wakers, and wake them after unlocking. A node is queued from a look under the lock that found its
     * receiver at `tail` until the next send or close empties the list, so a receive that completes was
     * already taken off by the send (or close) that let it complete; a cancelled receive takes itself
     * off.
     *
     * Tokio guards each slot with a read-write lock so that a reader can clone the value while a send
     * waits to overwrite it. A Java value is a reference read in one step, so an immutable Entry swapped
     * whole into the slot needs no slot lock: receivers that find their value take no lock at all.
     */

    /** The largest capacity {@link #channel} accepts. */
    public static final int MAX_CAPACITY = 1 << 30;

    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicReferenceArray<Entry<T>> slots;
    private final int mask;
    private final Sender<T> firstSender;
    private final WaitList<Recv> waiters = new WaitList<>();
    /** The next position to send to; written under the lock. */
    private volatile long tail;
    // Guarded by the lock.
    private int receivers;
    private int senders = 1;
    private boolean closed;

    private Broadcast(int capacity) {
        this.slots = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
        this.firstSender = new Sender<>(this);
    }

    /**
     * A channel that keeps the last {@code capacity} values for slow receivers, rounded up to a power
     * of two ({@link #capacity()} says the figure used). It has no receivers yet:
     * {@link Sender#subscribe()} makes them.
     *
     * @throws IllegalArgumentException if {@code capacity} is not between 1 and {@link #MAX_CAPACITY}
     */
    public static <T> Broadcast<T> channel(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("a broadcast channel's capacity must be between 1 and "
                    + MAX_CAPACITY + " (it is rounded up to a power of two), got " + capacity);
        }
        return new Broadcast<>(capacity == 1 ? 1 : Integer.highestOneBit(capacity - 1) << 1);
    }

    /** The channel's first sender; {@link Sender#duplicate()} makes more. */
    public Sender<T> sender() {
        return firstSender;
    }

    /** How many values the ring keeps: the capacity asked for, rounded up to a power of two. */
    public int capacity() {
        return mask + 1;
    }

    /** One send: its position, its value until released, and how many receivers have yet to read it. */
    private static final class Entry<T> {
        private static final VarHandle REMAINING;

        static {
            try {
                REMAINING = MethodHandles.lookup().findVarHandle(Entry.class, "remaining", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final long pos;
        /** Cleared by the last of the counted receivers to read it or close. */
        volatile T value;
        @SuppressWarnings("unused") // through REMAINING
        private volatile int remaining;

        Entry(long pos, T value, int remaining) {
            this.pos = pos;
            this.value = value;
            this.remaining = remaining;
        }

        /** One counted receiver is done with this value; the last one releases it. */
        void release() {
            if ((int) REMAINING.getAndAdd(this, -1) == 1) {
                value = null;
            }
        }
    }

    private int index(long pos) {
        return (int) pos & mask;
    }

    /** A receive found nothing new for its receiver. */
    private static final Object EMPTY = new Object();
    /** A receive found nothing new and every sender has closed. */
    private static final Object DONE = new Object();

    /**
     * Takes {@code rx}'s next value: the value, EMPTY (queueing {@code waiter} if given) or DONE.
     *
     * @throws LaggedException if the value was overwritten; {@code rx} then moved to the oldest kept
     */
    private Object take(Receiver<T> rx, Recv waiter, Context cx) {
        long pos = rx.next;
        Entry<T> e = slots.get(index(pos));
        if (e != null && e.pos == pos) {
            return rx.read(e);
        }
        long missed;
        lock.lock();
        try {
            long end = tail;
            if (pos == end) {
                if (closed) {
                    return DONE;
                }
                if (waiter != null) {
                    waiter.waker = cx.waker();
                    if (!waiter.queued) {
                        waiter.queued = true;
                        waiters.addLast(waiter);
                    }
                }
                return EMPTY;
            }
            e = slots.get(index(pos));
            if (e.pos == pos) {
                return rx.read(e); // sent between the look without the lock and now
            }
            long oldest = end - capacity();
            missed = oldest - pos;
            rx.next = oldest;
        } finally {
            lock.unlock();
        }
        throw new LaggedException(missed);
    }

    /** Empties the wait list; called under the lock. The caller wakes the result after unlocking. */
    private List<Waker> takeWaiters() {
        return waiters.drainWakers(w -> {
            w.queued = false;
            Waker k = w.waker;
            w.waker = null;
            return k;
        });
    }

    /**
     * Adds a receiver at the tail; it sees values sent after this.
     *
     * @param from the sender subscribing, checked open under the lock; null for a resubscribe
     */
    private Receiver<T> newReceiver(Sender<T> from) {
        lock.lock();
        try {
            if (from != null) {
                from.checkOpen();
            }
            if (receivers == Integer.MAX_VALUE) {
                throw new IllegalStateException("a broadcast channel has at most " + Integer.MAX_VALUE
                        + " receivers; close some");
            }
            receivers++;
            return new Receiver<>(this, tail);
        } finally {
            lock.unlock();
        }
    }

    /** Values the ring still holds for some receiver (not yet released); for tests. O(capacity). */
    int retained() {
        int n = 0;
        for (int i = 0; i < slots.length(); i++) {
            Entry<T> e = slots.get(i);
            if (e != null && e.value != null) {
                n++;
            }
        }
        return n;
    }

    /** Receives in the wait list; for tests. */
    int waiting() {
        lock.lock();
        try {
            int n = 0;
            for (Recv w = waiters.first(); w != null; w = w.next) {
                n++;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A sending side of a {@link Broadcast} channel. Thread-safe: any task or thread may send through
     * it. Close it when done; the channel closes for its receivers when every sender has closed.
     */
    public static final class Sender<T> implements AutoCloseable {
        private final Broadcast<T> ch;
        private boolean closed; // guarded by ch.lock

        Sender(Broadcast<T> ch) {
            this.ch = ch;
        }

        /**
         * Sends {@code value} to every receiver subscribed now, and returns how many that is. Never
         * waits: if the ring is full, the oldest value is overwritten (receivers that had not read it
         * will lag). A receiver may still close or lag before it reads the value, so the count is an
         * upper bound on who sees it.
         *
         * <p>Cost: one lock acquisition and one small allocation; the waiting receivers are woken after
         * the lock is released.
         *
         * @throws ChannelClosedException if the channel has no receivers; it carries the value
         *     ({@link ChannelClosedException#unsent()}), which was not sent. A later {@code subscribe}
         *     makes sends succeed again.
         * @throws IllegalStateException if this sender was closed
         * @throws NullPointerException if {@code value} is null (null means closed to a receiver)
         */
        public int send(T value) {
            Objects.requireNonNull(value, "a channel carries no null values (null means closed)");
            List<Waker> toWake;
            int count;
            ch.lock.lock();
            try {
                checkOpen();
                count = ch.receivers;
                if (count == 0) {
                    throw new ChannelClosedException("the broadcast channel has no receivers; the value was not"
                            + " sent (it is in this exception: unsent()); subscribe() before sending", value);
                }
                long pos = ch.tail;
                ch.slots.set(ch.index(pos), new Entry<>(pos, value, count));
                ch.tail = pos + 1;
                toWake = ch.takeWaiters();
            } finally {
                ch.lock.unlock();
            }
            WaitList.wakeAll(toWake);
            return count;
        }

        /**
         * A new receiver that sees the values sent after this call (not those already in the ring).
         * Cost: one lock acquisition.
         *
         * @throws IllegalStateException if this sender was closed
         */
        public Receiver<T> subscribe() {
            return ch.newReceiver(this);
        }

        /** How many receivers are subscribed and not closed: those a send now would reach. */
        public int receiverCount() {
            ch.lock.lock();
            try {
                return ch.receivers;
            } finally {
                ch.lock.unlock();
            }
        }

        /**
         * Another sender of the same channel; the channel stays open until every sender has closed.
         *
         * @throws IllegalStateException if this sender was closed
         */
        public Sender<T> duplicate() {
            ch.lock.lock();
            try {
                checkOpen();
                ch.senders++;
                return new Sender<>(ch);
            } finally {
                ch.lock.unlock();
            }
        }

        /** Called under ch.lock. */
        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("this broadcast sender was closed; use another (duplicate() one"
                        + " before closing)");
            }
        }

        /**
         * Closes this sender. The last one to close closes the channel: its receivers get what is kept
         * for them, then null, and the waiting ones are woken. Idempotent.
         */
        @Override
        public void close() {
            List<Waker> toWake = List.of();
            ch.lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                if (--ch.senders == 0) {
                    ch.closed = true;
                    toWake = ch.takeWaiters();
                }
            } finally {
                ch.lock.unlock();
            }
            WaitList.wakeAll(toWake);
        }
    }

    /**
     * A receiving side of a {@link Broadcast} channel, with its own position: each receiver sees every
     * value sent while it is subscribed. One task at a time uses a receiver (it may be handed from task
     * to task, as spawning a task that takes it does). Close it when done so that the ring can release
     * the values it had not read.
     */
    public static final class Receiver<T> implements AutoCloseable {
        private final Broadcast<T> ch;
        // Owned by the task using the receiver.
        private long next;
        private boolean closed;

        Receiver(Broadcast<T> ch, long next) {
            this.ch = ch;
            this.next = next;
        }

        /** Reads the value of {@code e}, which holds this receiver's next position. */
        private T read(Entry<T> e) {
            T v = e.value; // before release(): this receiver is counted, so the value is still there
            next = e.pos + 1;
            e.release();
            return v;
        }

        /**
         * A future of this receiver's next value; of null once every sender has closed and it has
         * received every value kept for it. If values it had not read were overwritten, the future
         * fails with {@link LaggedException} ({@link LaggedException#missed()} says how many) and the
         * receiver moves to the oldest value still kept, which the next receive returns.
         *
         * <p><b>Cancel safety:</b> cancel-safe: the receiver's position moves only in the poll that
         * returns a value (or reports the lag), so a cancelled receive consumes nothing, and it leaves
         * the wait list. Each poll spends one unit of the cooperative budget.
         *
         * @throws IllegalStateException (at once, or from a poll) if this receiver was closed
         */
        public Future<T> recv() {
            checkOpen();
            return ch.new Recv(this);
        }

        /**
         * The next value if one is there now; empty if not yet. Never waits. On lag it throws, and the
         * receiver moves to the oldest value kept, as {@link #recv()} does.
         *
         * @throws ChannelClosedException if every sender has closed and this receiver has seen
         *     everything (see also {@link #isClosed()})
         * @throws LaggedException if values this receiver had not read were overwritten
         * @throws IllegalStateException if this receiver was closed
         */
        public Optional<T> tryRecv() {
            checkOpen();
            Object r = ch.take(this, null, null);
            if (r == DONE) {
                throw new ChannelClosedException("every sender of the broadcast channel has closed and this"
                        + " receiver has received every value");
            }
            @SuppressWarnings("unchecked")
            Optional<T> value = r == EMPTY ? Optional.empty() : Optional.of((T) r);
            return value;
        }

        /** Whether every sender has closed (values may still be kept for this receiver). */
        public boolean isClosed() {
            ch.lock.lock();
            try {
                return ch.closed;
            } finally {
                ch.lock.unlock();
            }
        }

        /**
         * How many values were sent that this receiver has not received: more than the capacity means
         * it has lagged. Cost: one volatile read.
         */
        public long len() {
            return ch.tail - next;
        }

        /** Whether this receiver has received every value sent so far. Cost: one volatile read. */
        public boolean isEmpty() {
            return len() == 0;
        }

        /**
         * A new receiver of the same channel that sees the values sent after this call (not those this
         * one has yet to read). Cost: one lock acquisition.
         *
         * @throws IllegalStateException if this receiver was closed
         */
        public Receiver<T> resubscribe() {
            checkOpen();
            return ch.newReceiver(null);
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("this broadcast receiver was closed; subscribe() a new one");
            }
        }

        /**
         * Closes this receiver: later sends do not count it, and the values it had not read are
         * released once no other receiver needs them. Cost: one lock acquisition and a walk over at
         * most {@code capacity} slots. Idempotent.
         */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            long end;
            ch.lock.lock();
            try {
                ch.receivers--;
                end = ch.tail;
            } finally {
                ch.lock.unlock();
            }
            // Sends from now on do not count this receiver; the entries it was counted in are those
            // from its position to `end` that are still in the ring.
            for (long p = Math.max(next, end - ch.capacity()); p < end; p++) {
                Entry<T> e = ch.slots.get(ch.index(p));
                if (e.pos == p) {
                    e.release();
                }
            }
            next = end;
        }
    }

    /** A receive in progress, and its node in the wait list. */
    private final class Recv extends WaitList.Node<Recv> implements Future<T> {
        private final Receiver<T> rx;
        // Guarded by the channel's lock.
        boolean queued;
        Waker waker;

        Recv(Receiver<T> rx) {
            this.rx = rx;
        }

        @Override
        public Object poll(Context cx) {
            rx.checkOpen();
            if (!Coop.proceed(cx)) {
                return PENDING;
            }
            Object r = take(rx, this, cx);
            if (r == EMPTY) {
                Coop.refund();
                return PENDING;
            }
            return r == DONE ? null : r;
        }

        @Override
        public void cancel() {
            lock.lock();
            try {
                if (queued) {
                    queued = false;
                    waiters.remove(this);
                }
                waker = null;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * A receiver fell behind: values it had not read were overwritten by newer ones. Its position has
     * moved to the oldest value still kept, so its next receive goes on from there; {@link #missed()}
     * says how many values it skipped. A receiver that must not lose values needs a larger capacity, or
     * to keep up.
     */
    public static final class LaggedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final long missed;

        LaggedException(long missed) {
            super("this broadcast receiver fell behind: " + missed + " values it had not read were overwritten;"
                    + " it goes on from the oldest value kept (raise the capacity or read faster to lose none)");
            this.missed = missed;
        }

        /** How many values the receiver skipped. */
        public long missed() {
            return missed;
        }
    }
}
