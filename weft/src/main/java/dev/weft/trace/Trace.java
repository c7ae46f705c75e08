package dev.weft.trace;

import java.util.Objects;

/**
 * Events in the current span, and the listeners that receive what spans do. See {@link Span} for spans
 * themselves, and guide chapter 14 ({@code docs/guide/14-tracing.md}) for the whole picture.
 */
public final class Trace {
    private Trace() {
    }

    /**
     * Emits an event in the current span ({@link Span#current()}), or in none where no span is current:
     * a message with fields as alternating keys and values, delivered at once, on this thread, to every
     * {@link SpanListener}.
     * <pre>{@code
     * Trace.event("cache miss", "key", key);
     * }</pre>
     *
     * <p>Cost: with no listener registered, one volatile read; otherwise the thread context lookup, an
     * {@link Event} and the listeners' calls.
     *
     * @throws IllegalArgumentException if a key is missing its value or, when a listener is registered,
     *                                  is not a string
     */
    public static void event(String message, Object... keyValues) {
        Listeners.event(null, "Trace.event", message, keyValues);
    }

    /**
     * Registers {@code listener}: from now on it is told of every span entered and left on any thread,
     * every event and every recorded field, until the returned registration is closed. Registering the
     * same listener twice makes it hear everything twice.
     *
     * <p>Cost: while at least one listener is registered, each poll of a task with a span calls every
     * listener twice; with none, that poll costs one volatile read.
     *
     * <p>Memory consistency: actions before {@code addListener} happen-before the listener's calls.
     */
    public static Registration addListener(SpanListener listener) {
        return Listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** A registered {@link SpanListener}; closing it removes the listener. */
    public static final class Registration implements AutoCloseable {
        final SpanListener listener;
        /** Set by the first failure of the listener, which is logged; later ones are not. */
        volatile boolean failureReported;

        Registration(SpanListener listener) {
            this.listener = listener;
        }

        /**
         * Removes the listener. A call to it already in progress on another thread may still finish
         * after this returns; no call starts after. Idempotent.
         */
        @Override
        public void close() {
            Listeners.remove(this);
        }

        @Override
        public String toString() {
            return "Trace.Registration[" + listener + "]";
        }
    }
}
