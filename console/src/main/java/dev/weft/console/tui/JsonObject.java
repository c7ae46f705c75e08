package dev.weft.console.tui;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of one parsed JSON object ({@link Json#parse}). The view is lenient about what is missing
 * and strict about what is wrong: a field that is absent or {@code null} reads as the default the caller
 * names (so a console that adds or drops a field still shows the rest), while a field of the wrong type
 * is an {@link IllegalArgumentException} naming it (so an endpoint that is not a Weft console says so).
 */
record JsonObject(Map<String, Object> fields) {
    /** The object {@code value} must be. */
    static JsonObject of(Object value, String what) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(what + " is not a JSON object");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        map.forEach((k, v) -> fields.put((String) k, v));
        return new JsonObject(fields);
    }

    String string(String key, String otherwise) {
        Object v = fields.get(key);
        if (v == null) {
            return otherwise;
        }
        if (v instanceof String s) {
            return s;
        }
        throw wrongType(key, "a string");
    }

    long number(String key) {
        Object v = fields.get(key);
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw wrongType(key, "a number");
    }

    boolean bool(String key) {
        Object v = fields.get(key);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(key, "true or false");
    }

    /** The object under {@code key}, or null. */
    JsonObject object(String key) {
        Object v = fields.get(key);
        return v == null ? null : of(v, "field '" + key + "'");
    }

    /** The array under {@code key}, empty when absent. */
    List<Object> list(String key) {
        Object v = fields.get(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        throw wrongType(key, "an array");
    }

    /** The array of objects under {@code key}. */
    List<JsonObject> objects(String key) {
        List<JsonObject> out = new ArrayList<>();
        for (Object o : list(key)) {
            out.add(of(o, "an element of '" + key + "'"));
        }
        return out;
    }

    /** The array of strings under {@code key}; a non-string element is shown as its JSON-ish text. */
    List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        for (Object o : list(key)) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    /** The array of numbers under {@code key}. */
    List<Long> numbers(String key) {
        List<Long> out = new ArrayList<>();
        for (Object o : list(key)) {
            if (!(o instanceof Number n)) {
                throw wrongType(key, "an array of numbers");
            }
            out.add(n.longValue());
        }
        return out;
    }

    private IllegalArgumentException wrongType(String key, String expected) {
        return new IllegalArgumentException("field '" + key + "' is not " + expected);
    }
}
