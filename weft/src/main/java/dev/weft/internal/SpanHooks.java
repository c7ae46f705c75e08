package dev.weft.internal;

import dev.weft.Future;

/**
 * Where the runtime tells the tracing layer ({@code dev.weft.trace}) that a task's span is entered or
 * left around a poll, without the runtime depending on it. Not API.
 *
 * <p>The tracing layer installs its one dispatcher here while at least one listener is registered, and
 * removes it when the last one goes. With none installed a task with a span costs one volatile read per
 * poll; a task without one costs nothing here.
 */
public final class SpanHooks {
    /** Told when a span becomes the thread's current one for a poll, and when it stops being so. */
    public interface Listener {
        void entered(Object span);

        void exited(Object span);
    }

    /**
     * A future that runs in a span of its own (an instrumented future): a task spawned with it runs in
     * that span rather than in the spawner's.
     */
    public interface Carrier {
        /** The span (a {@code dev.weft.trace.Span}). */
        Object span();

        /** The future it runs in that span: what names the task's body. */
        Future<?> inner();
    }

    private static volatile Listener listener;

    private SpanHooks() {
    }

    /** Installs the one listener (the tracing layer's dispatcher); null removes it. */
    public static void install(Listener l) {
        listener = l;
    }

    /** Whether a listener is installed (for tests of the tracing layer). */
    public static boolean isInstalled() {
        return listener != null;
    }

    /** Called by the runtime after making {@code span} current on this thread. */
    public static void entered(Object span) {
        Listener l = listener;
        if (l != null) {
            l.entered(span);
        }
    }

    /** Called by the runtime just before {@code span} stops being current on this thread. */
    public static void exited(Object span) {
        Listener l = listener;
        if (l != null) {
            l.exited(span);
        }
    }
}
