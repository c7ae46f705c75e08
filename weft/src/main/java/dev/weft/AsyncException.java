package dev.weft;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An async body or future failed with a checked exception; {@link #getCause()} is that exception.
 *
 * <p>Weft's failure rules: an unchecked exception or error travels from the future that threw it to
 * every {@code await} above it as the same object. A checked exception is wrapped exactly once, here,
 * or in {@link UncheckedIOException} when it is an {@link IOException} (the JDK's own convention).
 * Nothing is wrapped twice: an exception that is already unchecked is never wrapped again.
 */
public final class AsyncException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Wraps {@code cause}, a checked exception; prefer {@link #unchecked(Throwable)}. */
    public AsyncException(Throwable cause) {
        super(cause.toString(), cause);
    }

    /**
     * {@code failure} as an unchecked throwable (a {@link RuntimeException} or an {@link Error}), by
     * Weft's rules: those are returned as they are; an {@link IOException} is wrapped in an
     * {@link UncheckedIOException}; any other checked exception is wrapped in an {@code AsyncException}.
     */
    public static Throwable unchecked(Throwable failure) {
        if (failure instanceof RuntimeException || failure instanceof Error) {
            return failure;
        }
        if (failure instanceof IOException io) {
            return new UncheckedIOException(io.getMessage(), io);
        }
        return new AsyncException(failure);
    }

    /**
     * Throws {@code failure} by Weft's rules: unchecked ones and errors as they are, checked ones
     * wrapped once. Declared to return so callers can write {@code throw AsyncException.rethrow(t)}.
     */
    public static RuntimeException rethrow(Throwable failure) {
        Throwable u = unchecked(failure);
        if (u instanceof Error error) {
            throw error;
        }
        throw (RuntimeException) u;
    }
}
