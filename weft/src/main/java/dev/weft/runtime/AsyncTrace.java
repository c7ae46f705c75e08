package dev.weft.runtime;

/**
 * The async part of a task failure's story, added once as a suppressed exception: which task failed
 * (its body's class, which names where it was written) and, as this exception's own stack, where its
 * output was awaited. A plain stack trace of a spawned task only reaches the worker that polled it;
 * this joins it to the code that was waiting for it. No stack is walked at spawn.
 */
public final class AsyncTrace extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AsyncTrace(String message) {
        super(message);
    }
}
