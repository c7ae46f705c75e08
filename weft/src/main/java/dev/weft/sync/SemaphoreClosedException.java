package dev.weft.sync;

/** Thrown by an acquire of a {@link Semaphore} (or a lock built on one) that has been closed. */
public final class SemaphoreClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    SemaphoreClosedException(String message) {
        super(message);
    }
}
