package dev.weft.internal;

/**
 * A thread that a Weft runtime owns (a multi-thread runtime's worker), carrying its
 * {@link ThreadContext} in a field: {@link ThreadContext#current()} on such a thread is a type check
 * and a field read instead of a {@code ThreadLocal} lookup, and it happens several times per
 * suspension. Not API.
 */
public class WeftThread extends Thread {
    final ThreadContext context = new ThreadContext.Padded();

    /** A thread that runs {@code task}, with the given name and stack size (0: the JVM's default). */
    public WeftThread(Runnable task, String name, long stackSize) {
        super(null, task, name, stackSize);
    }
}
