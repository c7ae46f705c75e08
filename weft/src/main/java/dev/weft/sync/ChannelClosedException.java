package dev.weft.sync;

/** Thrown by a receive from a channel whose sending side closed without sending (or with nothing left). */
public final class ChannelClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ChannelClosedException(String message) {
        super(message);
    }
}
