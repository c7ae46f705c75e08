package dev.weft.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One RESP2 value: what a client sends (an array of bulk strings, or an inline command parsed into
 * one) and what the server replies. Immutable.
 */
public sealed interface Frame {
    /** {@code +OK}: a status line, with no CR or LF in it. */
    record Simple(String text) implements Frame {
        public Simple {
            checkLine(text);
        }
    }

    /** {@code -ERR ...}: an error line, with no CR or LF in it. */
    record Error(String text) implements Frame {
        public Error {
            checkLine(text);
        }
    }

    /** {@code :42}. */
    record Int(long value) implements Frame {
    }

    /** {@code $3\r\nfoo\r\n}: binary-safe bytes (the record keeps the array it is given). */
    record Bulk(byte[] bytes) implements Frame {
        public Bulk {
            Objects.requireNonNull(bytes, "bytes");
        }

        /** The bytes as UTF-8 text. */
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bulk b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Bulk[" + text() + "]";
        }
    }

    /** {@code *2\r\n...}: its elements, in order. */
    record Array(List<Frame> elements) implements Frame {
        public Array {
            elements = List.copyOf(elements);
        }
    }

    /** {@code $-1}: the null bulk string (a missing key). */
    enum NullBulk implements Frame { INSTANCE }

    /** {@code *-1}: the null array. */
    enum NullArray implements Frame { INSTANCE }

    /** A bulk string of {@code text} in UTF-8. */
    static Bulk bulk(String text) {
        return new Bulk(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void checkLine(String text) {
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a RESP simple string or error cannot hold CR or LF: " + text);
        }
    }
}
