package dev.weft.internal;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * The one class that touches {@code jdk.internal.vm}. It is loaded only after {@link AsyncBlock} has
 * checked that the package is exported to Weft, so a JVM without the flag gets one clear error and
 * never an {@code IllegalAccessError}. Continuations travel through the rest of the code as
 * {@code Object}, so no other class's verification loads this one.
 */
final class Coroutines {
    private static final ContinuationScope SCOPE = new ContinuationScope("weft");

    /** A continuation that reports pinning instead of throwing a bare IllegalStateException. */
    private static final class Coroutine extends Continuation {
        private Pinned pinned;

        Coroutine(Runnable body) {
            super(SCOPE, body);
        }

        @Override
        protected void onPinned(Pinned reason) {
            pinned = reason;
        }
    }

    private Coroutines() {
    }

    static Object create(Runnable body) {
        return new Coroutine(body);
    }

    /** Mounts and runs {@code coroutine} until it yields or ends; returns whether it ended. */
    static boolean run(Object coroutine) {
        Coroutine c = (Coroutine) coroutine;
        c.run();
        return c.isDone();
    }

    /**
     * Suspends {@code coroutine}, which must be the innermost one mounted on this thread. Returns null
     * once resumed, or, when the VM refused to unmount, why (the body then simply goes on).
     */
    static String suspend(Object coroutine) {
        Coroutine c = (Coroutine) coroutine;
        if (Continuation.yield(SCOPE)) {
            return null;
        }
        Continuation.Pinned reason = c.pinned;
        c.pinned = null;
        return switch (reason) {
            case NATIVE -> "a native frame is on the stack: a static initializer (<clinit>), an FFM upcall,"
                    + " or a reflective call through the native accessor is between the async block and"
                    + " this await";
            case MONITOR -> "the JVM refused to unmount while a monitor is held";
            case CRITICAL_SECTION -> "the stack is pinned by Continuation.pin() (a critical section)";
            case EXCEPTION -> "the JVM could not unmount the stack (an OutOfMemoryError or"
                    + " StackOverflowError while freezing it)";
            case null -> "the JVM refused to unmount the stack for an unknown reason";
        };
    }

    /** The frames of a suspended coroutine. The caller must hold the block's DUMPING claim. */
    static StackTraceElement[] stackTrace(Object coroutine) {
        return ((Coroutine) coroutine).getStackTrace();
    }
}
