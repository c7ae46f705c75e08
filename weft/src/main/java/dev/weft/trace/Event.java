package dev.weft.trace;

import java.util.Map;
import java.util.Optional;

/**
 * Something that happened at one moment, with fields: what {@link Span#event} and {@link Trace#event}
 * hand to the {@link SpanListener}s. Immutable.
 */
public final class Event {
    private final Span span;
    private final String message;
    private final Map<String, Object> fields;

    Event(Span span, String message, Map<String, Object> fields) {
        this.span = span;
        this.message = message;
        this.fields = fields;
    }

    /** The span the event happened in; empty for an event emitted where no span was current. */
    public Optional<Span> span() {
        return Optional.ofNullable(span);
    }

    /** The message. */
    public String message() {
        return message;
    }

    /** The event's own fields, in the order given (not its span's); unmodifiable. */
    public Map<String, Object> fields() {
        return fields;
    }

    @Override
    public String toString() {
        return (span != null ? span.name() + ": " : "") + message + (fields.isEmpty() ? "" : " " + fields);
    }
}
