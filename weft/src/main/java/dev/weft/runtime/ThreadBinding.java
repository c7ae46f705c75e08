package dev.weft.runtime;

/**
 * Something bound to the first thread that uses it: a current-thread runtime, a {@link LocalSet}.
 * Their tasks may hold state confined to that thread, so they must never run anywhere else.
 */
final class ThreadBinding {
    /** The bound thread, or null before the first use. */
    volatile Thread owner;

    /**
     * Binds to the calling thread if nothing is bound yet (returning true), or checks that the calling
     * thread is the bound one (returning false).
     *
     * @throws IllegalStateException if another thread is bound: {@code what} names the bound object,
     *     {@code operation} what was attempted, {@code advice} what to do instead
     */
    boolean bindOrCheck(String what, String operation, String advice) {
        Thread me = Thread.currentThread();
        Thread o = owner;
        if (o == null) {
            synchronized (this) {
                if (owner == null) {
                    owner = me;
                    return true;
                }
                o = owner;
            }
        }
        if (o != me) {
            throw new IllegalStateException("This " + what + " is bound to thread '" + o.getName() + "', the first"
                    + " one that drove it; " + operation + " was called on '" + me.getName() + "'. " + advice);
        }
        return false;
    }
}
