package dev.weft.console;

/**
 * Writes one JSON document into a {@link StringBuilder}, in order: objects, arrays, names and values,
 * with the commas put in for the caller. Just enough JSON for the console's endpoints; not a general
 * library. Strings are escaped as RFC 8259 asks: the quote, the backslash and every control character,
 * and also unpaired surrogates (written as {@code \}{@code uXXXX}, since as raw chars they cannot be
 * encoded in UTF-8 and would turn into {@code ?}).
 *
 * <p>Not thread-safe; one writer per response.
 */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder(256);
    /** Whether the next value or name in the current container needs a comma before it. */
    private boolean comma;

    JsonWriter beginObject() {
        separate();
        out.append('{');
        comma = false;
        return this;
    }

    JsonWriter endObject() {
        out.append('}');
        comma = true;
        return this;
    }

    JsonWriter beginArray() {
        separate();
        out.append('[');
        comma = false;
        return this;
    }

    JsonWriter endArray() {
        out.append(']');
        comma = true;
        return this;
    }

    /** The name of the next member of the current object. */
    JsonWriter name(String name) {
        separate();
        string(name);
        out.append(':');
        comma = false;
        return this;
    }

    JsonWriter value(String s) {
        separate();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        comma = true;
        return this;
    }

    JsonWriter value(long n) {
        separate();
        out.append(n);
        comma = true;
        return this;
    }

    JsonWriter value(boolean b) {
        separate();
        out.append(b);
        comma = true;
        return this;
    }

    JsonWriter nullValue() {
        separate();
        out.append("null");
        comma = true;
        return this;
    }

    /** Shorthand for {@code name(name).value(s)}. */
    JsonWriter field(String name, String s) {
        return name(name).value(s);
    }

    JsonWriter field(String name, long n) {
        return name(name).value(n);
    }

    JsonWriter field(String name, boolean b) {
        return name(name).value(b);
    }

    private void separate() {
        if (comma) {
            out.append(',');
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (Character.isSurrogate(c) && !pairedAt(s, i))) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c)) {
                        out.append(c).append(s.charAt(++i)); // a valid pair: both halves as they are
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Whether the surrogate at {@code i} is the high half of a valid pair. */
    private static boolean pairedAt(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
