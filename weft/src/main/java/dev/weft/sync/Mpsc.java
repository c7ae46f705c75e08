package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Coop;
import dev.weft.Future;
import dev.weft.Waker;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A multi-producer, single-consumer queue between tasks, bounded (a full channel makes senders wait:
 * backpressure) or unbounded.
 *
 * <pre>{@code
 * Mpsc<Job> jobs = Mpsc.bounded(64);
 * Mpsc.Sender<Job> tx = jobs.sender();
 * Weft.spawn(() -> { try (tx) { for (Job j : work) tx.send(j).await(); } });   // closes when done
 * Job j;
 * while ((j = jobs.receiver().recv().await()) != null) {                       // null: all senders closed
 *     handle(j);
 * }
 * }</pre>
 *
 * <p>Closing rules. Java has no destructor, so a sender is gone when it is {@link Sender#close()
 * closed}; {@link Sender#duplicate()} makes another sender, and the channel closes for the receiver
 * when every sender has closed: {@code recv} then returns the values still queued, then null. When the
 * receiver {@link Receiver#close() closes}, sends fail with {@link ChannelClosedException} carrying the
 * value, and values already queued can still be received. Values are never null (null means closed).
 *
 * <p>Cost: one lock acquisition per send and per receive; a bounded channel adds a fair
 * {@link Semaphore} of capacity permits (one more lock per operation).
 */
public final class Mpsc<T> {
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    /** Capacity permits of a bounded channel; null if unbounded. */
    private final Semaphore capacity;
    private final Receiver<T> receiver = new Receiver<>(this);
    private final Sender<T> firstSender;
    // Guarded by the lock.
    private int senders = 1;
    private boolean receiverClosed;
    private Waker receiverWaker;

    private Mpsc(int capacity) {
        this.capacity = capacity < 0 ? null : new Semaphore(capacity);
        this.firstSender = new Sender<>(this);
    }

    /**
     * A channel that holds at most {@code capacity} values; a send to a full channel waits (fairly) for
     * room.
     *
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public static <T> Mpsc<T> bounded(int capacity) {
        if (capacity < 1 || capacity > Semaphore.MAX_PERMITS) {
            throw new IllegalArgumentException("capacity must be between 1 and " + Semaphore.MAX_PERMITS
                    + ", got " + capacity);
        }
        return new Mpsc<>(capacity);
    }

    /** A channel without a bound: sends never wait. Memory is the limit; prefer a bound. */
    public static <T> Mpsc<T> unbounded() {
        return new Mpsc<>(-1);
    }

    /** The channel's first sender; {@link Sender#duplicate()} makes more. */
    public Sender<T> sender() {
        return firstSender;
    }

    /** The receiving side. */
    public Receiver<T> receiver() {
        return receiver;
    }

    private static final int SENT = 0;
    private static final int FULL = 1;
    private static final int CLOSED = 2;

    /**
     * Puts {@code value} in the queue and wakes the receiver: SENT, or CLOSED if the receiver has closed.
     * With {@code takeRoom} (a try-send on a bounded channel) it first takes a unit of room, under the
     * channel's lock so that room and queue change together (the receiver gives room back under the
     * same lock), or returns FULL; otherwise the caller already holds its room.
     */
    private int offer(T value, boolean takeRoom) {
        Waker toWake;
        lock.lock();
        try {
            if (receiverClosed) {
                return CLOSED;
            }
            if (takeRoom) {
                Semaphore.Permit p = capacity.tryAcquire().orElse(null);
                if (p == null) {
                    return FULL;
                }
                p.forget(); // the room is the value's now; the receiver gives it back
            }
            queue.addLast(value);
            toWake = receiverWaker;
            receiverWaker = null;
        } finally {
            lock.unlock();
        }
        if (toWake != null) {
            toWake.wake();
        }
        return SENT;
    }

    private ChannelClosedException sendFailed(T value) {
        return new ChannelClosedException("the channel's receiver has closed; the value was not sent"
                + " (it is in this exception: unsent())", value);
    }

    /** A sending side of an {@link Mpsc} channel. Thread-safe; may be shared by tasks. */
    public static final class Sender<T> implements AutoCloseable {
        private final Mpsc<T> ch;
        private boolean closed; // guarded by ch.lock

        Sender(Mpsc<T> ch) {
            this.ch = ch;
        }

        /**
         * A future that sends {@code value}: at once on an unbounded channel or one with room, else when
         * room frees up (fairly, in the order senders started waiting).
         *
         * <p><b>Cancel safety:</b> cancelled before it completes, the value was not sent (the caller
         * still holds it) and the sender gives up its place in the line for room. Fails with
         * {@link ChannelClosedException} carrying the value if the receiver has closed. Each poll
         * spends one unit of the cooperative budget.
         */
        public Future<Void> send(T value) {
            Objects.requireNonNull(value, "a channel carries no null values (null means closed)");
            checkOpen();
            if (ch.capacity == null) {
                return cx -> {
                    if (!Coop.proceed(cx)) {
                        return Future.PENDING;
                    }
                    if (ch.offer(value, false) == CLOSED) {
                        throw ch.sendFailed(value);
                    }
                    return null;
                };
            }
            Future<Semaphore.Permit> room = ch.capacity.acquire();
            return new Future<>() {
                @Override
                public Object poll(Context cx) {
                    Object r;
                    try {
                        r = room.poll(cx);
                    } catch (SemaphoreClosedException closed) {
                        throw ch.sendFailed(value);
                    }
                    if (r == PENDING) {
                        return PENDING;
                    }
                    Semaphore.Permit p = (Semaphore.Permit) r;
                    if (ch.offer(value, false) == CLOSED) {
                        p.close();
                        throw ch.sendFailed(value);
                    }
                    p.forget(); // the room is the value's now; the receiver gives it back
                    return null;
                }

                @Override
                public void cancel() {
                    room.cancel();
                }
            };
        }

        /**
         * Sends {@code value} if there is room now; false if the channel is full. Never waits.
         *
         * @throws ChannelClosedException (carrying the value) if the receiver has closed
         */
        public boolean trySend(T value) {
            Objects.requireNonNull(value, "a channel carries no null values (null means closed)");
            checkOpen();
            int r = ch.offer(value, ch.capacity != null);
            if (r == CLOSED) {
                throw ch.sendFailed(value);
            }
            return r == SENT;
        }

        private void checkOpen() {
            ch.lock.lock();
            try {
                if (closed) {
                    throw new IllegalStateException("this sender was closed; send with another (duplicate()"
                            + " one before closing) ");
                }
            } finally {
                ch.lock.unlock();
            }
        }

        /** Another sender of the same channel; the channel stays open until every sender has closed. */
        public Sender<T> duplicate() {
            ch.lock.lock();
            try {
                if (closed) {
                    throw new IllegalStateException("a closed sender cannot be duplicated");
                }
                ch.senders++;
                return new Sender<>(ch);
            } finally {
                ch.lock.unlock();
            }
        }

        /** Whether the receiver has closed (sends would fail). */
        public boolean isReceiverClosed() {
            ch.lock.lock();
            try {
                return ch.receiverClosed;
            } finally {
                ch.lock.unlock();
            }
        }

        /** Closes this sender; the last one to close ends the channel for the receiver. Idempotent. */
        @Override
        public void close() {
            Waker toWake = null;
            ch.lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                if (--ch.senders == 0) {
                    toWake = ch.receiverWaker;
                    ch.receiverWaker = null;
                }
            } finally {
                ch.lock.unlock();
            }
            if (toWake != null) {
                toWake.wake();
            }
        }
    }

    /** The receiving side of an {@link Mpsc} channel; one task at a time receives. */
    public static final class Receiver<T> implements AutoCloseable {
        private final Mpsc<T> ch;

        Receiver(Mpsc<T> ch) {
            this.ch = ch;
        }

        /**
         * A future of the next value, or of null once every sender has closed and the queue is empty.
         *
         * <p><b>Cancel safety:</b> cancel-safe: a value leaves the channel only in the poll that returns
         * it, so a cancelled receive loses nothing (it is the usual arm of a select loop). Each poll
         * spends one unit of the cooperative budget.
         */
        public Future<T> recv() {
            return new Future<>() {
                @Override
                public Object poll(Context cx) {
                    if (!Coop.proceed(cx)) {
                        return PENDING;
                    }
                    T v;
                    ch.lock.lock();
                    try {
                        v = ch.queue.pollFirst();
                        if (v == null) {
                            if (ch.senders == 0) {
                                return null;
                            }
                            ch.receiverWaker = cx.waker();
                        } else {
                            ch.returnRoom(1);
                        }
                    } finally {
                        ch.lock.unlock();
                    }
                    if (v == null) {
                        Coop.refund();
                        return PENDING;
                    }
                    return v;
                }

                @Override
                public void cancel() {
                    ch.lock.lock();
                    try {
                        ch.receiverWaker = null;
                    } finally {
                        ch.lock.unlock();
                    }
                }
            };
        }

        /**
         * Moves up to {@code limit} queued values into {@code buffer}, waiting for at least one; completes
         * with how many (0 once every sender has closed and the queue is empty). Cancel-safe.
         */
        public Future<Integer> recvMany(List<? super T> buffer, int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be positive, got " + limit);
            }
            return cx -> {
                if (!Coop.proceed(cx)) {
                    return Future.PENDING;
                }
                int n = 0;
                ch.lock.lock();
                try {
                    T v;
                    while (n < limit && (v = ch.queue.pollFirst()) != null) {
                        buffer.add(v);
                        n++;
                    }
                    if (n == 0) {
                        if (ch.senders == 0) {
                            return 0;
                        }
                        ch.receiverWaker = cx.waker();
                    } else {
                        ch.returnRoom(n);
                    }
                } finally {
                    ch.lock.unlock();
                }
                if (n == 0) {
                    Coop.refund();
                    return Future.PENDING;
                }
                return n;
            };
        }

        /**
         * The next value if one is queued now, else null. Never waits.
         *
         * @throws ChannelClosedException if every sender has closed and nothing is left
         */
        public T tryRecv() {
            T v;
            ch.lock.lock();
            try {
                v = ch.queue.pollFirst();
                if (v == null && ch.senders == 0) {
                    throw new ChannelClosedException("every sender of the channel has closed and it is empty");
                }
                if (v != null) {
                    ch.returnRoom(1);
                }
            } finally {
                ch.lock.unlock();
            }
            return v;
        }

        /**
         * Closes the receiving side: later sends fail (handing their value back), senders waiting for
         * room fail likewise. Values already queued stay, and {@link #recv()} still returns them.
         * Idempotent.
         */
        @Override
        public void close() {
            ch.lock.lock();
            try {
                if (ch.receiverClosed) {
                    return;
                }
                ch.receiverClosed = true;
            } finally {
                ch.lock.unlock();
            }
            if (ch.capacity != null) {
                ch.capacity.close();
            }
        }
    }

    /**
     * Gives room back to senders of a bounded channel after {@code n} values left it; called under the
     * channel's lock (the semaphore's lock nests inside it, never the other way round, and the
     * semaphore wakes a waiting sender after releasing its own lock).
     */
    private void returnRoom(int n) {
        if (capacity != null) {
            capacity.addPermits(n);
        }
    }
}
