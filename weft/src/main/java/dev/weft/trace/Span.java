package dev.weft.trace;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.internal.SpanHooks;
import dev.weft.internal.ThreadContext;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A named stretch of work with fields (key-value pairs): the unit of tracing. The span <em>current</em>
 * on a thread is the one its code runs in; {@link #current()} returns it.
 *
 * <pre>{@code
 * Span request = Span.of("request", "client", peer, "cmd", "GET");
 * Weft.spawn(request.instrument(Weft.async(() -> {
 *     Trace.event("cache miss", "key", key);       // an event in "request"
 *     Row row = db.load(key).await();             // still in "request" after the await
 *     Weft.spawn(() -> refresh(key));             // the child task starts in "request" too
 *     return row;
 * })));
 * }</pre>
 *
 * <h2>Where a span is current</h2>
 * <ul>
 *   <li><b>In a task.</b> A task runs in the span that was current where it was spawned, or in the span
 *       of the future it was given if that is {@linkplain #instrument instrumented}. The runtime makes it
 *       current around every poll of the task, so it is current after every await, whichever worker
 *       runs the task, and it is taken away between polls: other tasks on that worker never see it.</li>
 *   <li><b>In an instrumented future</b> ({@link #instrument}), while it is polled or cancelled.</li>
 *   <li><b>In a scope</b> ({@link #enter()}), for synchronous code, until the scope is closed.</li>
 * </ul>
 * A span made with {@link #of} while another is current is its child ({@link #parent()}): spans made
 * in a task, and in the tasks it spawns, link up to the span the task runs in.
 *
 * <h2>Listeners</h2>
 * A span does nothing by itself. {@link SpanListener}s registered with {@link Trace#addListener} are
 * told each time a span becomes current on a thread and stops being so, of each {@linkplain #event
 * event} and of each {@linkplain #record recorded} field. The SLF4J bridge ({@code dev.weft.slf4j},
 * a separate artifact) is one: it puts the fields in the MDC while the span is current.
 *
 * <p>Cost: making a span costs one object and a copy of its fields. A task with a span costs one
 * volatile read per poll when no listener is registered; an instrumented future or a scope costs that,
 * the thread context lookup and two writes of its span field. With listeners, each of them is called
 * twice per poll.
 *
 * <p>Thread safety: a span may be used from any thread. Its fields are replaced as a whole by
 * {@link #record}, so {@link #fields()} is always a consistent snapshot, and actions before a
 * {@code record} happen-before a read of {@code fields()} that sees the recorded value.
 */
public final class Span {
    private static final AtomicLong IDS = new AtomicLong();
    private static final VarHandle FIELDS;

    static {
        try {
            FIELDS = MethodHandles.lookup().findVarHandle(Span.class, "fields", Map.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long id;
    private final String name;
    private final Span parent;
    /** An unmodifiable snapshot, replaced whole (by CAS) when a field is recorded. */
    private volatile Map<String, Object> fields;

    private Span(String name, Span parent, Map<String, Object> fields) {
        this.id = IDS.incrementAndGet();
        this.name = Objects.requireNonNull(name, "name");
        this.parent = parent;
        this.fields = Collections.unmodifiableMap(fields);
    }

    /**
     * A new span named {@code name}, a child of the current span (if any), with fields given as
     * alternating keys and values: {@code Span.of("request", "client", addr, "cmd", "GET")}. Values may
     * be null.
     *
     * @throws IllegalArgumentException if a key is missing its value or is not a string
     */
    public static Span of(String name, Object... keyValues) {
        return new Span(name, current().orElse(null), fieldsOf("Span.of", name, keyValues));
    }

    /** The span in effect on this thread: the polled task's, or the one an instrumented future or a scope entered. */
    public static Optional<Span> current() {
        return Optional.ofNullable((Span) ThreadContext.current().span);
    }

    /** An id unique in this JVM. */
    public long id() {
        return id;
    }

    /** The span's name. */
    public String name() {
        return name;
    }

    /** The span that was current when this one was made, if any. */
    public Optional<Span> parent() {
        return Optional.ofNullable(parent);
    }

    /** The fields, in the order given (a recorded new key comes last); an unmodifiable snapshot. */
    public Map<String, Object> fields() {
        return fields;
    }

    /**
     * Sets the field {@code key} to {@code value} (which may be null), replacing any value it had, and
     * tells the listeners: for what is learnt after the span was made (a user id once authenticated, a
     * row count once the query ran). Safe to call from any thread, concurrently with anything.
     *
     * <p>Cost: a copy of the fields (records are meant to be rare), and the listeners' calls.
     */
    public void record(String key, Object value) {
        Objects.requireNonNull(key, "key");
        Map<String, Object> now;
        Map<String, Object> next;
        do {
            now = fields;
            LinkedHashMap<String, Object> copy = new LinkedHashMap<>(now);
            copy.put(key, value);
            next = Collections.unmodifiableMap(copy);
        } while (!FIELDS.compareAndSet(this, now, next));
        Listeners.recorded(this, key, value);
    }

    /**
     * Emits an event in this span: a message with fields (alternating keys and values), delivered at
     * once, on this thread, to every {@link SpanListener}. For an event in whatever span is current,
     * use {@link Trace#event}.
     *
     * <p>Cost: with no listener registered, one volatile read (the fields are not even looked at);
     * otherwise an {@link Event} and the listeners' calls.
     *
     * @throws IllegalArgumentException if a key is missing its value or, when a listener is registered,
     *                                  is not a string
     */
    public void event(String message, Object... keyValues) {
        Listeners.event(this, "span.event", message, keyValues);
    }

    /**
     * Makes this span current on this thread until the returned scope is closed: for synchronous code.
     * <pre>{@code
     * try (Span.Scope in = span.enter()) {
     *     parse(request);   // Span.current() is span; a task spawned here starts in it
     * }
     * }</pre>
     * <b>Never hold a scope across an await</b>: while the block is suspended, the worker runs other
     * tasks, and when it resumes, the runtime has made the task's own span current again. For async
     * code, {@linkplain #instrument instrument} the future instead. Closing a scope when its span is no
     * longer the current one (it was held across an await that suspended, or scopes were closed out of
     * order) throws {@link IllegalStateException}.
     *
     * <p>Entering the span that is current already returns a scope that does nothing.
     *
     * <p>Cost: that of an instrumented future's poll (see the class documentation), and the scope object.
     */
    public Scope enter() {
        ThreadContext tc = ThreadContext.current();
        Object outer = tc.span;
        if (outer == this) {
            return Scope.NOTHING;
        }
        tc.span = this;
        SpanHooks.entered(this);
        return new Scope(this, tc, outer);
    }

    /**
     * A future that runs {@code future} in this span: the span is current while {@code future} is
     * polled or cancelled, and the span that was current before is restored after each poll. Awaited
     * in an async block, the block's own span is current again once the await returns; spawned, the
     * task runs in this span ({@code TaskInfo.span()} is this span), and so do the tasks it spawns.
     * Instrumenting where this span is current already changes nothing.
     *
     * <p>An instrumented async block is polled, not run inline on the awaiter's stack, so it gets a
     * continuation of its own.
     *
     * <p><b>Cancel safety:</b> that of {@code future}; its cancellation runs in this span.
     *
     * <p>Cost per poll: the thread context lookup, two writes of its span field, and the listener
     * calls (one volatile read when there are none).
     */
    public <T> Future<T> instrument(Future<T> future) {
        return new Instrumented<>(this, Objects.requireNonNull(future, "future"));
    }

    @Override
    public String toString() {
        return name + fields;
    }

    /**
     * The fields given as alternating keys and values, in order; {@code call} and {@code name} say
     * where, in an error ({@code Span.of("request", ...)}).
     *
     * @throws IllegalArgumentException if a key is missing its value or is not a string
     */
    static Map<String, Object> fieldsOf(String call, String name, Object[] keyValues) {
        checkPairs(call, name, keyValues);
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (!(keyValues[i] instanceof String key)) {
                throw new IllegalArgumentException(call + "(\"" + name + "\", ...): the key at position " + i
                        + " is " + keyValues[i] + ", not a String");
            }
            fields.put(key, keyValues[i + 1]);
        }
        return fields;
    }

    /** Fails if the last key has no value: a check cheap enough to make even when nobody listens. */
    static void checkPairs(String call, String name, Object[] keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException(call + "(\"" + name + "\", ...) takes keys and values in pairs;"
                    + " the last key, " + keyValues[keyValues.length - 1] + ", has no value");
        }
    }

    /**
     * A span made current by {@link #enter()}; closing it makes the span that was current before current
     * again. Close it on the thread that entered it, before any await.
     */
    public static final class Scope implements AutoCloseable {
        static final Scope NOTHING = new Scope(null, null, null);

        private final Span span;
        private final ThreadContext tc;
        private final Object outer;
        private boolean closed;

        private Scope(Span span, ThreadContext tc, Object outer) {
            this.span = span;
            this.tc = tc;
            this.outer = outer;
        }

        /**
         * Leaves the span. Idempotent.
         *
         * @throws IllegalStateException if the span is not the current one on this thread: the scope
         *                               was held across an await, closed on another thread, or closed
         *                               before a scope entered inside it. The listeners are told it was
         *                               left all the same; the current span is not touched.
         */
        @Override
        public void close() {
            if (span == null || closed) {
                return;
            }
            closed = true;
            if (ThreadContext.current() != tc || tc.span != span) {
                SpanHooks.exited(span);
                throw new IllegalStateException("The scope of span " + span + " was closed where that span is not"
                        + " the current one: it was held across an await (when the block resumed, its task's span"
                        + " was current again), closed on another thread, or closed before a scope entered inside"
                        + " it. Use span.instrument(future) for async code, and close scopes in reverse order.");
            }
            SpanHooks.exited(span);
            tc.span = outer;
        }
    }

    /** Makes the span current around each poll and the cancel of the wrapped future. */
    private static final class Instrumented<T> implements Future<T>, SpanHooks.Carrier {
        private final Span span;
        private final Future<T> inner;

        Instrumented(Span span, Future<T> inner) {
            this.span = span;
            this.inner = inner;
        }

        @Override
        public Object span() {
            return span;
        }

        @Override
        public Future<?> inner() {
            return inner;
        }

        @Override
        public Object poll(Context cx) {
            ThreadContext tc = ThreadContext.current();
            Object outer = tc.span;
            if (outer == span) {
                return inner.poll(cx); // the task runs in this span already
            }
            tc.span = span;
            SpanHooks.entered(span);
            try {
                return inner.poll(cx);
            } finally {
                SpanHooks.exited(span);
                tc.span = outer;
            }
        }

        @Override
        public void cancel() {
            ThreadContext tc = ThreadContext.current();
            Object outer = tc.span;
            if (outer == span) {
                inner.cancel();
                return;
            }
            tc.span = span;
            SpanHooks.entered(span);
            try {
                inner.cancel();
            } finally {
                SpanHooks.exited(span);
                tc.span = outer;
            }
        }

        @Override
        public String toString() {
            return "Instrumented[" + span + ", " + inner + "]";
        }
    }
}
