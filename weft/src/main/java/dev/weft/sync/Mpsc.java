package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Coop;
import dev.weft.Future;
import dev.weft.Waker;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * <p>Cost: one lock acquisition per send and per receive, bounded or not; a sender that waits for
 * room is queued (fairly, first come first served) and woken by the receive that makes room for it.
 */
public final class Mpsc<T> {
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    /** How many values a bounded channel holds; -1 if unbounded. */
    private final int capacity;
    private final Receiver<T> receiver = new Receiver<>(this);
    private final Sender<T> firstSender;
    // Guarded by the lock.
    /** Free room of a bounded channel; while senders wait for room it is 0 (room goes to them first). */
    private int room;
    /** Senders waiting for room, in the order they started waiting. */
    private final WaitList<Send<T>> roomWaiters = new WaitList<>();
    private int senders = 1;
    private boolean receiverClosed;
    private Waker receiverWaker;

    private Mpsc(int capacity) {
        this.capacity = capacity;
        this.room = capacity;
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

    private boolean bounded() {
        return capacity >= 0;
    }

    /**
     * Gives one unit of room back after a value left the queue (under the lock): to the longest-waiting
     * sender if one waits (returned, to be woken once the lock is released), else to the free room.
     */
    private Waker returnRoom() {
        Send<T> w = roomWaiters.first();
        if (w == null) {
            room++;
            return null;
        }
        roomWaiters.remove(w);
        w.state = Send.GRANTED;
        Waker k = w.waker;
        w.waker = null;
        return k;
    }

    /** Enqueues under the lock and returns the receiver's waker, to wake once the lock is released. */
    private Waker enqueue(T value) {
        queue.addLast(value);
        Waker k = receiverWaker;
        receiverWaker = null;
        return k;
    }

    private ChannelClosedException sendFailed(T value) {
        return new ChannelClosedException("the channel's receiver has closed; the value was not sent"
                + " (it is in this exception: unsent())", value);
    }

    /** A sending side of an {@link Mpsc} channel. Thread-safe; may be shared by tasks. */
    public static final class Sender<T> implements AutoCloseable {
        private final Mpsc<T> ch;
        /** Written under ch.lock; read without it by the send calls' check. */
        private volatile boolean closed;

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
            return new Send<>(ch, value);
        }

        /**
         * Sends {@code value} if there is room now (and no sender is waiting for room ahead of it); false
         * if not. Never waits.
         *
         * @throws ChannelClosedException (carrying the value) if the receiver has closed
         */
        public boolean trySend(T value) {
            Objects.requireNonNull(value, "a channel carries no null values (null means closed)");
            checkOpen();
            Waker toWake;
            ch.lock.lock();
            try {
                if (ch.receiverClosed) {
                    throw ch.sendFailed(value);
                }
                if (ch.bounded()) {
                    if (ch.room == 0) {
                        return false;
                    }
                    ch.room--;
                }
                toWake = ch.enqueue(value);
            } finally {
                ch.lock.unlock();
            }
            if (toWake != null) {
                toWake.wake();
            }
            return true;
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("this sender was closed; send with another (duplicate()"
                        + " one before closing)");
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
                    Waker sender = null;
                    ch.lock.lock();
                    try {
                        v = ch.queue.pollFirst();
                        if (v == null) {
                            if (ch.senders == 0) {
                                return null;
                            }
                            ch.receiverWaker = cx.waker();
                        } else if (ch.bounded()) {
                            sender = ch.returnRoom();
                        }
                    } finally {
                        ch.lock.unlock();
                    }
                    if (v == null) {
                        Coop.refund();
                        return PENDING;
                    }
                    if (sender != null) {
                        sender.wake();
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
                List<Waker> senders = null;
                ch.lock.lock();
                try {
                    T v;
                    while (n < limit && (v = ch.queue.pollFirst()) != null) {
                        buffer.add(v);
                        n++;
                        Waker k = ch.bounded() ? ch.returnRoom() : null;
                        if (k != null) {
                            senders = senders == null ? new ArrayList<>() : senders;
                            senders.add(k);
                        }
                    }
                    if (n == 0) {
                        if (ch.senders == 0) {
                            return 0;
                        }
                        ch.receiverWaker = cx.waker();
                    }
                } finally {
                    ch.lock.unlock();
                }
                if (n == 0) {
                    Coop.refund();
                    return Future.PENDING;
                }
                if (senders != null) {
                    senders.forEach(Waker::wake);
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
            Waker sender = null;
            ch.lock.lock();
            try {
                v = ch.queue.pollFirst();
                if (v == null && ch.senders == 0) {
                    throw new ChannelClosedException("every sender of the channel has closed and it is empty");
                }
                if (v != null && ch.bounded()) {
                    sender = ch.returnRoom();
                }
            } finally {
                ch.lock.unlock();
            }
            if (sender != null) {
                sender.wake();
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
            Send<T> waiting;
            ch.lock.lock();
            try {
                if (ch.receiverClosed) {
                    return;
                }
                ch.receiverClosed = true;
                waiting = ch.roomWaiters.takeAll();
                for (Send<T> w = waiting; w != null; w = w.next) {
                    w.state = Send.REFUSED;
                }
            } finally {
                ch.lock.unlock();
            }
            while (waiting != null) { // each fails on its next poll, handing its value back
                Send<T> next = waiting.next;
                waiting.next = null;
                waiting.prev = null;
                Waker k = waiting.waker;
                if (k != null) {
                    k.wake();
                }
                waiting = next;
            }
        }
    }

    /**
     * A send in flight. Its value goes into the queue in the poll that finds room (or that sees room
     * granted to it), never elsewhere, so a send cancelled before it completes has sent nothing.
     */
    private static final class Send<T> extends WaitList.Node<Send<T>> implements Future<Void> {
        static final int NEW = 0;
        /** In the channel's room queue. */
        static final int WAITING = 1;
        /** A receive gave this send a unit of room; its next poll enqueues. */
        static final int GRANTED = 2;
        /** Taken out of the room queue by the receiver's close; fails on its next poll. */
        static final int REFUSED = 3;
        static final int DONE = 4;

        private final Mpsc<T> ch;
        private final T value;
        // Guarded by ch.lock.
        int state = NEW;
        Waker waker;

        Send(Mpsc<T> ch, T value) {
            this.ch = ch;
            this.value = value;
        }

        @Override
        public Object poll(Context cx) {
            if (!Coop.proceed(cx)) {
                return PENDING;
            }
            Waker toWake = null;
            boolean sent = false;
            ch.lock.lock();
            try {
                if (state == DONE) {
                    throw new IllegalStateException("this send already completed; make a new one with send()");
                }
                if (ch.receiverClosed) {
                    if (state == WAITING) {
                        ch.roomWaiters.remove(this);
                    }
                    state = DONE;
                    waker = null;
                    throw ch.sendFailed(value);
                }
                boolean hasRoom = state == GRANTED || !ch.bounded();
                if (state == NEW && ch.room > 0) {
                    ch.room--; // room > 0 only while nobody waits for it, so taking it is fair
                    hasRoom = true;
                }
                if (!hasRoom) {
                    if (state == NEW) {
                        state = WAITING;
                        ch.roomWaiters.addLast(this);
                    }
                    waker = cx.waker();
                } else {
                    state = DONE;
                    sent = true;
                    toWake = ch.enqueue(value);
                }
            } finally {
                ch.lock.unlock();
            }
            if (!sent) {
                Coop.refund();
                return PENDING;
            }
            if (toWake != null) {
                toWake.wake();
            }
            return null;
        }

        @Override
        public void cancel() {
            Waker next = null;
            ch.lock.lock();
            try {
                if (state == WAITING) {
                    ch.roomWaiters.remove(this);
                } else if (state == GRANTED) {
                    next = ch.returnRoom(); // room handed over but never used: the next sender gets it
                }
                state = DONE;
                waker = null;
            } finally {
                ch.lock.unlock();
            }
            if (next != null) {
                next.wake();
            }
        }
    }
}
