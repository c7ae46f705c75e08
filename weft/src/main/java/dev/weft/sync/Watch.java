package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Coop;
import dev.weft.Future;
import dev.weft.Waker;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A channel that holds one value, the latest: one sender replaces it, any number of receivers read
 * it and wait for it to change. Tokio's {@code watch}. Fit for state that readers want the newest of,
 * not every step of: a configuration, a connection's status, a shutdown flag. A receiver that is slow
 * misses the values in between and sees the newest; a value is never queued.
 *
 * <pre>{@code
 * Watch<Config> config = Watch.channel(Config.load());
 * Watch.Receiver<Config> rx = config.sender().subscribe();
 * Weft.spawn(() -> {
 *     try (rx) {
 *         while (true) {
 *             rx.changed().await();          // fails with ChannelClosedException once the sender has
 *             apply(rx.borrowAndUpdate());   // closed and rx has seen its last value
 *         }
 *     } catch (ChannelClosedException senderGone) {
 *         // the configuration will not change again
 *     }
 * });
 * config.sender().send(Config.reload());
 * }</pre>
 *
 * <p><b>Versions.</b> Each value the sender publishes has a version one above the last. A receiver
 * remembers the version it has <em>seen</em>; {@link Receiver#changed()} completes when the current
 * version is another, and makes it seen. Several sends before the receiver looks count as one change.
 * A new channel's first receiver, and every {@link Sender#subscribe() subscribed} or
 * {@link Receiver#duplicate() duplicated} one, starts having seen the current value.
 *
 * <p><b>Values are shared references.</b> {@code borrow} returns the very object the sender published,
 * to every receiver and the sender: make {@code T} immutable (a record, an immutable collection), or
 * never change a value after sending it. Values are never null.
 *
 * <p><b>Closing rules.</b> Java has no destructor, so each side ends when it is closed.
 * <ul>
 *   <li>When the {@link Sender#close() sender closes}, the value stays: {@code borrow} still returns
 *       it, and a receiver that has not seen it gets one more {@code changed()} for it; only then does
 *       {@code changed()} fail with {@link ChannelClosedException}. The last value is never lost.</li>
 *   <li>When every receiver has {@link Receiver#close() closed}, {@link Sender#closed()} completes
 *       and {@link Sender#send} returns false; the value is stored all the same, for
 *       {@link Sender#borrow()} and for receivers subscribed later.</li>
 * </ul>
 *
 * <p><b>Threads.</b> The sender is thread-safe: any task or thread may send. A receiver belongs to one
 * task at a time (it keeps that task's seen version, as Tokio's needs {@code &mut}); give other tasks
 * a {@link Receiver#duplicate() duplicate}. {@code borrow()} of either side may be called from anywhere.
 *
 * <p><b>Memory consistency.</b> Actions of a thread before it publishes a value (send, sendReplace,
 * sendModify, or sendIfModified that changes it) happen-before actions of another thread after it
 * reads that value through {@code borrow}, {@code borrowAndUpdate}, {@code changed()} or
 * {@code waitFor}.
 *
 * <p><b>Cost.</b> {@code borrow()} is one volatile read, with no lock, whatever the number of
 * receivers. A send takes the channel's lock once, allocates one small snapshot object, and wakes every
 * waiting receiver (after releasing the lock). {@code changed()} when something new is there is a
 * volatile read; a wait takes the lock once to queue itself.
 */
public final class Watch<T> {
    /*
     * Implementation overview.
     *
     * The value, its version and the closed flag live together in one immutable Snapshot, published
     * through the volatile field `current`. A reader does one volatile read and gets a value and a
     * version that belong together: a receiver can never mark version n seen while holding the value of
     * n - 1 (which separate value and version fields would allow, and which would lose an update). Every
     * change of state (a send, the sender closing) publishes a new Snapshot object, so "has anything
     * happened since I looked?" is a reference comparison.
     *
     * Writers: `current` is written only under `lock` (so versions go up by one per send even when
     * several threads send, and sendModify reads and replaces atomically). `rxWaiters`, `txWaiters`,
     * `receivers`, and every Waiter's `waker` are guarded by `lock`; a Waiter's `queued` flag is
     * written under the lock and read without it by the waiter's own poller (see below). A Receiver's
     * `seen` and `closed` fields belong to the task that uses the receiver: no lock.
     *
     * No lost wake-up: a waiting future reads `current` without the lock and finds nothing new; it then
     * takes the lock and queues itself only if `current` is still the same Snapshot object. A publish
     * after that takes the lock too, so it finds the waiter queued and wakes it; a publish before it
     * changed `current`, so the waiter does not queue and looks again. The sender unlinks every waiter,
     * collects their wakers and clears their links under the lock, and wakes them after releasing it
     * (a waker must not run under a lock that the woken task may want, and an unlinked waiter may
     * queue again at once, which it could not do if the sender walked the links outside the lock).
     *
     * `queued` is volatile so that a future that completes can skip the lock when it knows it is not in
     * the list: only the future itself sets it (under the lock), so a false it reads is final until it
     * queues again; a true it reads may be stale and is checked again under the lock.
     *
     * Why not a lock around everything, and why not Tokio's RwLock: borrow() is the hot operation of a
     * watch (every receiver reads, on every change, and often between changes); a volatile read costs
     * nothing next to a lock that every reader would contend on, and values are immutable references,
     * so there is nothing to guard while reading them.
     */

    /** The value with its version; immutable, replaced whole by every change. */
    private record Snapshot<T>(T value, long version, boolean closed) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private volatile Snapshot<T> current;
    private final WaitList<Waiter> rxWaiters = new WaitList<>();
    private final WaitList<Waiter> txWaiters = new WaitList<>();
    // Guarded by the lock.
    private int receivers = 1;
    private final Sender<T> sender = new Sender<>(this);
    private final Receiver<T> firstReceiver;

    private Watch(T initial) {
        current = new Snapshot<>(initial, 0, false);
        firstReceiver = new Receiver<>(this, 0);
    }

    /**
     * A new channel holding {@code initial}, with one sender and one receiver that has seen
     * {@code initial}.
     *
     * @throws NullPointerException if {@code initial} is null
     */
    public static <T> Watch<T> channel(T initial) {
        return new Watch<>(requireValue(initial));
    }

    /** The channel's sender. */
    public Sender<T> sender() {
        return sender;
    }

    /** The channel's first receiver; {@link Sender#subscribe()} and {@link Receiver#duplicate()} make more. */
    public Receiver<T> receiver() {
        return firstReceiver;
    }

    private static <T> T requireValue(T value) {
        return Objects.requireNonNull(value, "a watch holds no null values");
    }

    /** For {@link #addReceiver}: the version current when it is added (no seen version is this low). */
    private static final long SEEN_CURRENT = Long.MIN_VALUE;

    /** A new receiver that has seen version {@code seen} (or {@link #SEEN_CURRENT}). */
    private Receiver<T> addReceiver(long seen) {
        lock.lock();
        try {
            receivers++; // counted, and the current version read, under the lock that sends take
            return new Receiver<>(this, seen == SEEN_CURRENT ? current.version() : seen);
        } finally {
            lock.unlock();
        }
    }

    /** What a publish replaced, and how many receivers were open when it did (read under the lock). */
    private record Published<T>(T old, int receivers) {
    }

    /**
     * Publishes what {@code next} makes of the current value, unless it returns that same reference and
     * {@code always} is false; then it returns null and wakes nobody. {@code next} runs under the lock.
     */
    private Published<T> publish(UnaryOperator<T> next, boolean always) {
        Snapshot<T> old;
        int open;
        List<Waker> toWake;
        lock.lock();
        try {
            old = current;
            if (old.closed) {
                throw new IllegalStateException("this watch's sender was closed; nothing can be sent after close()");
            }
            T value = requireValue(next.apply(old.value));
            if (!always && value == old.value) {
                return null;
            }
            current = new Snapshot<>(value, old.version + 1, false);
            open = receivers;
            toWake = unlinkAll(rxWaiters);
        } finally {
            lock.unlock();
        }
        WaitList.wakeAll(toWake);
        return new Published<>(old.value, open);
    }

    /** Empties {@code list}, clearing each waiter, and returns their wakers; under the lock. */
    private static List<Waker> unlinkAll(WaitList<Waiter> list) {
        return list.drainWakers(w -> {
            w.queued = false;
            Waker k = w.waker;
            w.waker = null;
            return k;
        });
    }

    /** Queues {@code w} (or updates its waker) under the lock; the caller has checked the condition. */
    private static void enqueue(WaitList<Waiter> list, Waiter w, Waker waker) {
        w.waker = waker;
        if (!w.queued) {
            w.queued = true;
            list.addLast(w);
        }
    }

    /** Takes {@code w} out of {@code list} if it is there. */
    private void dequeue(WaitList<Waiter> list, Waiter w) {
        if (!w.queued) {
            return; // only w's own poller queues it, so a false here stays false
        }
        lock.lock();
        try {
            if (w.queued) {
                list.remove(w);
                w.queued = false;
            }
            w.waker = null;
        } finally {
            lock.unlock();
        }
    }

    /** A queued future's links and waker (guarded by the channel's lock). */
    private abstract static class Waiter extends WaitList.Node<Waiter> {
        Waker waker;
        volatile boolean queued;
    }

    /** The sending side of a {@link Watch}. Thread-safe: any task or thread may send. */
    public static final class Sender<T> implements AutoCloseable {
        private final Watch<T> ch;

        Sender(Watch<T> ch) {
            this.ch = ch;
        }

        /**
         * Replaces the value with {@code value} and wakes every receiver waiting in {@code changed()} or
         * {@code waitFor}. Returns true if at least one receiver is open; false if none is, in which case
         * the value is stored all the same ({@link #borrow()} returns it and a receiver subscribed later
         * starts from it). Never waits. Cost: one lock, one small allocation, a wake per waiting receiver.
         *
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if this sender was closed
         */
        public boolean send(T value) {
            requireValue(value);
            return ch.publish(old -> value, true).receivers() > 0;
        }

        /**
         * Replaces the value with {@code value}, as {@link #send}, and returns the value it replaced.
         *
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if this sender was closed
         */
        public T sendReplace(T value) {
            requireValue(value);
            return ch.publish(old -> value, true).old();
        }

        /**
         * Replaces the value with {@code modify} applied to it, atomically (no other send comes between
         * the read and the replacement), and wakes the waiting receivers even if {@code modify} returned
         * the value unchanged. {@code modify} runs under the channel's lock: keep it short, do not await
         * or block in it. If it throws, nothing is sent and the exception propagates.
         *
         * @throws NullPointerException if {@code modify} returns null
         * @throws IllegalStateException if this sender was closed
         */
        public void sendModify(UnaryOperator<T> modify) {
            Objects.requireNonNull(modify, "modify");
            ch.publish(modify, true);
        }

        /**
         * Replaces the value with {@code modify} applied to it, atomically, unless {@code modify}
         * returns the very same reference it was given: that means "no change", and then nothing is
         * published and no receiver is woken. Returns whether a new value was published.
         *
         * <pre>{@code
         * // counts up to 10 and then stops waking anyone
         * tx.sendIfModified(n -> n < 10 ? n + 1 : n);
         * }</pre>
         *
         * (The comparison is by reference, {@code ==}: an equal but new object is a change.)
         * {@code modify} runs under the channel's lock: keep it short, do not await or block in it.
         *
         * @throws NullPointerException if {@code modify} returns null
         * @throws IllegalStateException if this sender was closed
         */
        public boolean sendIfModified(UnaryOperator<T> modify) {
            Objects.requireNonNull(modify, "modify");
            return ch.publish(modify, false) != null;
        }

        /** The current value (the shared reference; see the class description). One volatile read. */
        public T borrow() {
            return ch.current.value();
        }

        /**
         * A new receiver, which has seen the current value: its first {@code changed()} waits for the
         * next send. Close it when done; it counts in {@link #receiverCount()} until then.
         */
        public Receiver<T> subscribe() {
            return ch.addReceiver(SEEN_CURRENT);
        }

        /** How many receivers are open. */
        public int receiverCount() {
            ch.lock.lock();
            try {
                return ch.receivers;
            } finally {
                ch.lock.unlock();
            }
        }

        /**
         * A future that completes when no receiver is open (at once if none is now): for a producer
         * that should stop computing values nobody reads. It looks at the count each time it is polled,
         * so a receiver subscribed between the last close and the poll makes it wait again.
         *
         * <p><b>Cancel safety:</b> cancel-safe; it only watches, and leaves the wait list when cancelled.
         */
        public Future<Void> closed() {
            return new ReceiversGone(ch);
        }

        /**
         * Closes the sender. The value stays readable; each receiver's {@code changed()} reports a value
         * it has not seen yet, then fails with {@link ChannelClosedException}; waiting receivers are
         * woken. Later sends throw {@link IllegalStateException}. Idempotent.
         */
        @Override
        public void close() {
            List<Waker> toWake;
            ch.lock.lock();
            try {
                Snapshot<T> s = ch.current;
                if (s.closed) {
                    return;
                }
                ch.current = new Snapshot<>(s.value, s.version, true);
                toWake = unlinkAll(ch.rxWaiters);
            } finally {
                ch.lock.unlock();
            }
            WaitList.wakeAll(toWake);
        }
    }

    /** The future of {@link Sender#closed()}. */
    private static final class ReceiversGone extends Waiter implements Future<Void> {
        private final Watch<?> ch;

        ReceiversGone(Watch<?> ch) {
            this.ch = ch;
        }

        @Override
        public Object poll(Context cx) {
            ch.lock.lock();
            try {
                if (ch.receivers == 0) {
                    if (queued) {
                        ch.txWaiters.remove(this);
                        queued = false;
                    }
                    waker = null;
                    return null;
                }
                enqueue(ch.txWaiters, this, cx.waker());
                return PENDING;
            } finally {
                ch.lock.unlock();
            }
        }

        @Override
        public void cancel() {
            ch.dequeue(ch.txWaiters, this);
        }
    }

    /**
     * A receiving side of a {@link Watch}: reads the value and waits for it to change. It belongs to one
     * task at a time (it holds that task's seen version); {@link #duplicate()} gives another task its own.
     * Once it is closed, every method but {@link #close()} throws {@link IllegalStateException}.
     */
    public static final class Receiver<T> implements AutoCloseable {
        private final Watch<T> ch;
        /** The version this receiver has seen; its owner's alone. */
        private long seen;
        private boolean closed;

        Receiver(Watch<T> ch, long seen) {
            this.ch = ch;
            this.seen = seen;
        }

        /**
         * The current value, without marking it seen (a later {@code changed()} still reports it if it
         * is new). One volatile read; the shared reference, see the class description.
         */
        public T borrow() {
            checkOpen();
            return ch.current.value();
        }

        /** The current value, marking it seen: {@code changed()} then waits for a later one. */
        public T borrowAndUpdate() {
            checkOpen();
            Snapshot<T> s = ch.current;
            seen = s.version();
            return s.value();
        }

        /**
         * Whether a value this receiver has not seen is there (does not mark it seen). Unlike Tokio's,
         * which fails as soon as the sender has closed, this answers true while the last value is
         * unseen, matching {@link #changed()}.
         *
         * @throws ChannelClosedException if the sender has closed and this receiver has seen its last
         *     value (so {@code changed()} would fail too)
         */
        public boolean hasChanged() {
            checkOpen();
            Snapshot<T> s = ch.current;
            if (s.version() != seen) {
                return true;
            }
            if (s.closed()) {
                throw senderClosed("this receiver has seen its last value");
            }
            return false;
        }

        /** Marks the current value as not seen: the next {@code changed()} completes at once. */
        public void markChanged() {
            checkOpen();
            seen = ch.current.version() - 1;
        }

        /** Marks the current value as seen, without reading it. */
        public void markUnchanged() {
            checkOpen();
            seen = ch.current.version();
        }

        /**
         * A future that completes when a value this receiver has not seen is there (at once if one
         * already is), and marks it seen; read it with {@link #borrow()} or {@link #borrowAndUpdate()}.
         * Several sends in between count as one change. Once the sender has closed and this receiver has
         * seen its last value, it fails with {@link ChannelClosedException}.
         *
         * <p><b>Cancel safety:</b> cancel-safe: the value is marked seen only in the poll that completes
         * the future, so a cancelled one marks nothing and leaves the wait list; a change it was woken
         * for is reported by the next {@code changed()}. A poll that completes spends one unit of the
         * cooperative budget (and returns pending, to let other tasks run, when the budget is spent).
         */
        public Future<Void> changed() {
            checkOpen();
            return new Changed<T, Void>(this, null);
        }

        /**
         * A future of the first value, the current one included, for which {@code condition} is true;
         * each value it tests is marked seen. Fails with {@link ChannelClosedException} if the sender
         * closes and its last value does not satisfy {@code condition}. {@code condition} runs inside
         * {@code poll} (not under any lock): keep it quick, and do not await in it.
         *
         * <p><b>Cancel safety:</b> cancel-safe: a cancelled one leaves the wait list, and the values it
         * marked seen are only those that failed {@code condition}; a new {@code waitFor} tests the
         * current value again. A poll that completes spends one unit of the cooperative budget, as
         * {@link #changed()} does.
         */
        public Future<T> waitFor(Predicate<? super T> condition) {
            Objects.requireNonNull(condition, "condition");
            checkOpen();
            return new Changed<T, T>(this, condition);
        }

        /**
         * Another receiver of the same channel, which has seen what this one has seen. For another task
         * to watch with; close it when done.
         *
         * @throws IllegalStateException if this receiver was closed
         */
        public Receiver<T> duplicate() {
            checkOpen();
            return ch.addReceiver(seen);
        }

        /**
         * Closes this receiver; when the last one closes, the sender's {@link Sender#closed()} completes.
         * The value stays in the channel. Later use of this receiver throws {@link IllegalStateException}.
         * Idempotent.
         */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            List<Waker> toWake = List.of();
            ch.lock.lock();
            try {
                if (--ch.receivers == 0) {
                    toWake = unlinkAll(ch.txWaiters);
                }
            } finally {
                ch.lock.unlock();
            }
            WaitList.wakeAll(toWake);
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("this receiver was closed; duplicate() it before closing to"
                        + " keep watching, or subscribe() a new one from the sender");
            }
        }

        private static ChannelClosedException senderClosed(String what) {
            return new ChannelClosedException("the watch's sender has closed and " + what);
        }
    }

    /**
     * The future of {@link Receiver#changed()} (no condition; its output {@code R} is Void) and of
     * {@link Receiver#waitFor} (its output is the value, {@code R} is {@code T}).
     */
    private static final class Changed<T, R> extends Waiter implements Future<R> {
        private final Receiver<T> rx;
        /** Null for changed(): any new version will do. */
        private final Predicate<? super T> condition;
        /** For waitFor: whether the value current at the first poll has been tested. */
        private boolean testedCurrent;

        Changed(Receiver<T> rx, Predicate<? super T> condition) {
            this.rx = rx;
            this.condition = condition;
        }

        @Override
        public Object poll(Context cx) {
            if (rx.closed) {
                cancel();
                rx.checkOpen();
            }
            if (!Coop.proceed(cx)) {
                return PENDING;
            }
            Watch<T> ch = rx.ch;
            for (;;) {
                Snapshot<T> s = ch.current;
                boolean fresh = s.version() != rx.seen || (condition != null && !testedCurrent);
                if (fresh) {
                    rx.seen = s.version();
                    testedCurrent = true;
                    if (condition == null) {
                        ch.dequeue(ch.rxWaiters, this);
                        return null;
                    }
                    if (condition.test(s.value())) {
                        ch.dequeue(ch.rxWaiters, this);
                        return s.value();
                    }
                }
                if (s.closed()) {
                    ch.dequeue(ch.rxWaiters, this);
                    throw Receiver.senderClosed(condition == null ? "this receiver has seen its last value"
                            : "its last value does not satisfy the condition");
                }
                ch.lock.lock();
                try {
                    if (ch.current == s) {
                        enqueue(ch.rxWaiters, this, cx.waker());
                        Coop.refund();
                        return PENDING;
                    }
                } finally {
                    ch.lock.unlock();
                }
                // something was published since s was read: look again
            }
        }

        @Override
        public void cancel() {
            rx.ch.dequeue(rx.ch.rxWaiters, this);
        }
    }
}
