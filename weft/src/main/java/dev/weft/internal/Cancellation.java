package dev.weft.internal;

import java.util.concurrent.CancellationException;

/**
 * The {@link CancellationException} that cancelled async blocks throw from {@code await}. It carries
 * no stack trace: cancellation is control flow, thrown once per await during an unwind, and shutting
 * down 100,000 suspended tasks must not walk 100,000 stacks.
 */
public final class Cancellation extends CancellationException {
    private static final long serialVersionUID = 1L;

    public Cancellation(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
