package dev.weft.internal;

/**
 * Where the runtime tells the tracing layer ({@code dev.weft.trace}) that a task's span is entered or
 * left around a poll, without the runtime depending on it. Not API.
 *
 * <p>With no listener installed a task with a span costs one volatile read per poll; a task without
 * one costs nothing here.
 */
public final class SpanHooks {
    /** Told when a span becomes the thread's current one for a poll, and when it stops being so. */
    public interface Listener {
        void entered(Object span);

        void exited(Object span);
    }

    private static volatile Listener listener;

    private SpanHooks() {
    }

    /** Installs the one listener (the tracing layer's dispatcher); null removes it. */
    public static void install(Listener l) {
        listener = l;
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
