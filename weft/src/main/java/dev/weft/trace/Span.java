package dev.weft.trace;

import dev.weft.internal.ThreadContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A named stretch of work with fields (key-value pairs), the unit of tracing: a task polled inside a
 * span has it as {@link #current()}, across every await, and the tasks it spawns start in it.
 *
 * <p>Cost: one object and a copy of its fields at creation; nothing per poll unless a listener is
 * installed.
 */
public final class Span {
    private static final AtomicLong IDS = new AtomicLong();

    private final long id;
    private final String name;
    private final Span parent;
    private final Map<String, Object> fields;

    private Span(String name, Span parent, Map<String, Object> fields) {
        this.id = IDS.incrementAndGet();
        this.name = Objects.requireNonNull(name, "name");
        this.parent = parent;
        this.fields = Collections.unmodifiableMap(fields);
    }

    /**
     * A new span named {@code name}, a child of the current span (if any), with fields given as
     * alternating keys and values: {@code Span.of("request", "client", addr, "cmd", "GET")}.
     *
     * @throws IllegalArgumentException if a key is missing its value or is not a string
     */
    public static Span of(String name, Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("Span.of(\"" + name + "\", ...) takes keys and values in pairs; the"
                    + " last key, " + keyValues[keyValues.length - 1] + ", has no value");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (!(keyValues[i] instanceof String key)) {
                throw new IllegalArgumentException("Span.of(\"" + name + "\", ...): the key at position " + i
                        + " is " + keyValues[i] + ", not a String");
            }
            fields.put(key, keyValues[i + 1]);
        }
        return new Span(name, current().orElse(null), fields);
    }

    /** The span in effect on this thread: the polled task's, or the one an instrumented future entered. */
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

    /** The fields, in the order given; unmodifiable. */
    public Map<String, Object> fields() {
        return fields;
    }

    @Override
    public String toString() {
        return name + fields;
    }
}
