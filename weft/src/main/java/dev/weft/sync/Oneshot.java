package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Coop;
import dev.weft.Future;
import dev.weft.Waker;
import java.util.Optional;

/**
 * A channel for one value from one sender to one receiver: the reply half of a request.
 *
 * <pre>{@code
 * Oneshot<String> reply = Oneshot.channel();
 * Weft.spawn(() -> reply.sender().send(compute()));
 * String answer = reply.receiver().await();
 * }</pre>
 *
 * <p>Closing rules. The sender {@link Sender#send sends} once, or {@link Sender#close() closes}
 * without sending, and then the receiver fails with {@link ChannelClosedException}. If the receiver
 * has closed (or its future was cancelled), {@code send} returns false and the caller still has its
 * value; a value that arrived before the receiver closed is handed back by {@link Receiver#close()}.
 * Nothing is dropped without its owner being told.
 *
 * <p>Threads: each side may be used from any thread or task; one lock per operation.
 */
public final class Oneshot<T> {
    private final Sender<T> sender = new Sender<>(this);
    private final Receiver<T> receiver = new Receiver<>(this);
    // Guarded by this.
    private T value;
    private boolean sent;
    private boolean senderClosed;
    private boolean receiverClosed;
    private boolean taken;
    private Waker receiverWaker;
    private Waker senderWaker;

    private Oneshot() {
    }

    /** A new channel. */
    public static <T> Oneshot<T> channel() {
        return new Oneshot<>();
    }

    /** The sending side. */
    public Sender<T> sender() {
        return sender;
    }

    /** The receiving side: a future of the value. */
    public Receiver<T> receiver() {
        return receiver;
    }

    /** The sending side of a {@link Oneshot}. */
    public static final class Sender<T> implements AutoCloseable {
        private final Oneshot<T> ch;

        Sender(Oneshot<T> ch) {
            this.ch = ch;
        }

        /**
         * Sends {@code value}. Returns true if it is now the receiver's; false, keeping nothing, if the
         * receiver has closed (the caller still holds the value). Never waits.
         *
         * @throws IllegalStateException if this sender already sent or closed
         */
        public boolean send(T value) {
            Waker toWake;
            synchronized (ch) {
                if (ch.sent || ch.senderClosed) {
                    throw new IllegalStateException("a oneshot sends once; this sender already "
                            + (ch.sent ? "sent" : "closed"));
                }
                ch.senderClosed = true;
                if (ch.receiverClosed) {
                    return false;
                }
                ch.value = value;
                ch.sent = true;
                toWake = ch.receiverWaker;
                ch.receiverWaker = null;
            }
            if (toWake != null) {
                toWake.wake();
            }
            return true;
        }

        /** Closes without sending: the receiver fails with {@link ChannelClosedException}. Idempotent. */
        @Override
        public void close() {
            Waker toWake;
            synchronized (ch) {
                if (ch.senderClosed) {
                    return;
                }
                ch.senderClosed = true;
                toWake = ch.receiverWaker;
                ch.receiverWaker = null;
            }
            if (toWake != null) {
                toWake.wake();
            }
        }

        /** Whether the receiver has closed (a send would return false). */
        public boolean isReceiverClosed() {
            synchronized (ch) {
                return ch.receiverClosed;
            }
        }

        /**
         * A future that completes when the receiver closes: for a producer that should stop work whose
         * result nobody will read. Cancel-safe.
         */
        public Future<Void> receiverClosed() {
            return cx -> {
                synchronized (ch) {
                    if (ch.receiverClosed) {
                        return null;
                    }
                    ch.senderWaker = cx.waker();
                    return Future.PENDING;
                }
            };
        }
    }

    /**
     * The receiving side of a {@link Oneshot}, and the future of its value.
     *
     * <p><b>Cancel safety:</b> cancelling it closes the receiver. A value that had already arrived stays
     * in the channel, and {@link #close()} (or {@link #tryRecv()}) still returns it. Each poll spends
     * one unit of the cooperative budget (refunded when it finds nothing).
     */
    public static final class Receiver<T> implements Future<T>, AutoCloseable {
        private final Oneshot<T> ch;

        Receiver(Oneshot<T> ch) {
            this.ch = ch;
        }

        @Override
        public Object poll(Context cx) {
            if (!Coop.proceed(cx)) {
                return PENDING;
            }
            synchronized (ch) {
                if (ch.sent && !ch.taken) {
                    return take();
                }
                if (ch.taken) {
                    throw new IllegalStateException("the value of this oneshot was already received");
                }
                if (ch.senderClosed) {
                    throw closedError();
                }
                ch.receiverWaker = cx.waker();
            }
            Coop.refund();
            return PENDING;
        }

        private T take() {
            T v = ch.value;
            ch.value = null;
            ch.taken = true;
            return v;
        }

        private static ChannelClosedException closedError() {
            return new ChannelClosedException("the oneshot's sender closed without sending a value");
        }

        /**
         * The value if it has arrived; empty if not yet. Never waits.
         *
         * @throws ChannelClosedException if the sender closed without sending
         */
        public Optional<T> tryRecv() {
            synchronized (ch) {
                if (ch.sent && !ch.taken) {
                    return Optional.ofNullable(take());
                }
                if (ch.senderClosed && !ch.sent) {
                    throw closedError();
                }
                return Optional.empty();
            }
        }

        /**
         * Closes the receiver: later sends return false. Returns the value if one arrived and was not
         * received, so it is never dropped unseen.
         */
        @Override
        public void close() {
            closeAndTake();
        }

        /** As {@link #close()}, returning a value that arrived and was not received. */
        public Optional<T> closeAndTake() {
            Optional<T> left;
            synchronized (ch) {
                left = ch.sent && !ch.taken ? Optional.ofNullable(take()) : Optional.empty();
            }
            cancel();
            return left;
        }

        @Override
        public void cancel() {
            Waker toWake;
            synchronized (ch) {
                if (ch.receiverClosed) {
                    return;
                }
                ch.receiverClosed = true; // a value already here stays for tryRecv()
                ch.receiverWaker = null;
                toWake = ch.senderWaker;
                ch.senderWaker = null;
            }
            if (toWake != null) {
                toWake.wake();
            }
        }
    }
}
