package dev.weft.sync;

/**
 * Thrown when a channel's other side has closed: by a receive whose senders are all gone (or whose
 * oneshot sender closed without sending), and by a send to a closed receiver, which carries the value
 * that was not sent ({@link #unsent()}), so it is never lost unseen.
 */
public final class ChannelClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient Object unsent;

    ChannelClosedException(String message) {
        this(message, null);
    }

    ChannelClosedException(String message, Object unsent) {
        super(message);
        this.unsent = unsent;
    }

    /** The value a failed send did not deliver, or null for a failed receive. */
    @SuppressWarnings("unchecked")
    public <T> T unsent() {
        return (T) unsent;
    }
}
