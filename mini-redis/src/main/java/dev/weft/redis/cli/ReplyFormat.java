package dev.weft.redis.cli;

import dev.weft.redis.Frame;
import java.util.List;

/**
 * Replies as redis-cli prints them: for a person ({@code "value"}, {@code (integer) 3}, {@code (nil)},
 * numbered arrays), or raw, for scripts (the bytes as text, one array element a line).
 */
final class ReplyFormat {
    private ReplyFormat() {
    }

    /** {@code reply} as text without a final newline. */
    static String format(Frame reply, boolean raw) {
        return raw ? raw(reply) : human(reply, "");
    }

    private static String raw(Frame reply) {
        return switch (reply) {
            case Frame.Simple s -> s.text();
            case Frame.Error e -> e.text();
            case Frame.Int i -> Long.toString(i.value());
            case Frame.Bulk b -> b.text();
            case Frame.NullBulk n -> "";
            case Frame.NullArray n -> "";
            case Frame.Array a -> String.join("\n", a.elements().stream().map(ReplyFormat::raw).toList());
        };
    }

    /** {@code indent}: the spaces that line up a nested array's later lines under its first. */
    private static String human(Frame reply, String indent) {
        return switch (reply) {
            case Frame.Simple s -> s.text();
            case Frame.Error e -> "(error) " + e.text();
            case Frame.Int i -> "(integer) " + i.value();
            case Frame.Bulk b -> quoted(b.bytes());
            case Frame.NullBulk n -> "(nil)";
            case Frame.NullArray n -> "(nil)";
            case Frame.Array a -> array(a.elements(), indent);
        };
    }

    private static String array(List<Frame> elements, String indent) {
        if (elements.isEmpty()) {
            return "(empty array)";
        }
        int width = Integer.toString(elements.size()).length();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < elements.size(); i++) {
            String number = String.format("%" + width + "d) ", i + 1);
            if (i > 0) {
                out.append('\n').append(indent);
            }
            out.append(number).append(human(elements.get(i), indent + " ".repeat(number.length())));
        }
        return out.toString();
    }

    /**
     * In double quotes, byte by byte as redis-cli does: printable ASCII as it is (quotes and backslashes
     * escaped), the usual control characters as {@code \n}-style escapes, every other byte (UTF-8 too) as
     * {@code \xNN}.
     */
    private static String quoted(byte[] bytes) {
        StringBuilder out = new StringBuilder("\"");
        for (byte b : bytes) {
            switch (b) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (b >= 0x20 && b < 0x7f) {
                        out.append((char) b);
                    } else {
                        out.append(String.format("\\x%02x", b & 0xff));
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
