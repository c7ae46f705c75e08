package dev.weft.trace;

/**
 * Told what spans do: registered with {@link Trace#addListener}, a listener sees every span become
 * current on a thread and stop being so, every event and every recorded field. Implement the methods
 * you need; the others do nothing.
 *
 * <pre>{@code
 * try (Trace.Registration r = Trace.addListener(new SpanListener() {
 *     public void event(Event e) {
 *         System.out.println(e.span().map(Span::name).orElse("-") + ": " + e.message() + " " + e.fields());
 *     }
 * })) {
 *     runtime.blockOn(server.run());
 * }
 * }</pre>
 *
 * <h2>What a listener must do</h2>
 * Every method is called synchronously on the thread where it happens, most often a runtime worker
 * inside a task's poll, and from many threads at once: a listener must be thread-safe, quick, and must
 * neither block nor await. {@link #entered} and {@link #exited} come in pairs on one thread, properly
 * nested, once per poll of a task with a span and once per poll of an instrumented future; a task that
 * moves to another worker is entered there at its next poll. A listener that throws does not disturb the
 * poll: the exception is logged once per registration ({@code System.Logger} "dev.weft.trace") and
 * later ones are dropped.
 */
public interface SpanListener {
    /** {@code span} has just become the current span on this thread. */
    default void entered(Span span) {
    }

    /** {@code span} is about to stop being the current span on this thread. */
    default void exited(Span span) {
    }

    /** An event was emitted, on this thread. */
    default void event(Event event) {
    }

    /** {@code key} of {@code span} was set to {@code value} (already visible in its fields), on this thread. */
    default void recorded(Span span, String key, Object value) {
    }
}
