package dev.weft.redis;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An incremental RESP2 parser with limits against hostile input. {@link #parse} takes bytes as they
 * arrive: it returns a whole frame and moves the buffer past it, or returns null ("need more") and
 * leaves the buffer as it was, or throws {@link ProtocolException}. It never reads past the buffer's
 * limit, never allocates more than a limit allows before the bytes have arrived, and never recurses
 * deeper than {@link #MAX_DEPTH}.
 *
 * <p>With {@code inline} on (a server's parser), a line that does not start with a RESP type byte is an
 * inline command, as a person types it into telnet: words separated by spaces, which become an array of
 * bulk strings.
 *
 * <p>Not thread-safe: one per connection.
 */
public final class RespParser {
    /** How deeply arrays may nest. */
    public static final int MAX_DEPTH = 32;

    /** Thrown inside the parser when the frame is not all there yet; preallocated, no stack. */
    private static final RuntimeException NEED_MORE = new RuntimeException("need more", null, false, false) {
    };

    private final Limits limits;
    private final boolean inline;

    /**
     * The limits a server enforces (Redis's defaults: 512 MB bulk strings, arrays of 2^31 - 1, inline
     * commands of 64 KB). Each broken limit is a {@link ProtocolException}.
     */
    public record Limits(long maxBulk, long maxArray, int maxInline) {
        /** Redis's own defaults. */
        public static final Limits REDIS = new Limits(512L * 1024 * 1024, Integer.MAX_VALUE, 64 * 1024);

        public Limits {
            if (maxBulk < 0 || maxArray < 0 || maxInline < 1) {
                throw new IllegalArgumentException("limits must not be negative: " + maxBulk + ", " + maxArray
                        + ", " + maxInline);
            }
        }
    }

    /**
     * @param inline whether a line that is not RESP is an inline command (servers: yes; clients: no)
     */
    public RespParser(Limits limits, boolean inline) {
        this.limits = limits;
        this.inline = inline;
    }

    /**
     * The next whole frame in {@code in} (from its position to its limit), with the position moved past
     * it; or null, with the position unchanged, if the frame is not all there yet.
     *
     * @throws ProtocolException if the bytes are not RESP2 or break a limit (the position is then
     *     undefined: the connection is over)
     */
    public Frame parse(ByteBuffer in) {
        int start = in.position();
        try {
            if (!in.hasRemaining()) {
                return null;
            }
            byte first = in.get(start);
            if (inline && first != '*' && first != '$' && first != '+' && first != '-' && first != ':') {
                return parseInline(in);
            }
            return frame(in, 0);
        } catch (RuntimeException e) {
            if (e == NEED_MORE) {
                in.position(start);
                return null;
            }
            throw e;
        }
    }

    /** What {@link #parseCommand} returns for input that holds no command (an empty line, {@code *0}). */
    public static final byte[][] NO_COMMAND = new byte[0][];

    /**
     * The server's fast path: the next whole command in {@code in} as its words, with no frame objects.
     * A command is an array of bulk strings, or (with inline on) any line that does not start with
     * {@code *}, split at spaces and tabs, as Redis reads one. {@link #NO_COMMAND} for an empty line or
     * an empty array; null ("need more") with the position unchanged if the command is not all there.
     *
     * @throws ProtocolException as {@link #parse} does, and for an array element that is not a bulk
     *     string ({@code expected '$', got ':'})
     */
    public byte[][] parseCommand(ByteBuffer in) {
        int start = in.position();
        try {
            if (!in.hasRemaining()) {
                return null;
            }
            byte first = in.get(start);
            if (first != '*') {
                if (!inline) {
                    throw new ProtocolException("expected '*', got '" + printable(first) + "'");
                }
                return inlineWords(in);
            }
            in.get();
            long n = number(in, "invalid multibulk length");
            if (n == 0 || n == -1) {
                return NO_COMMAND;
            }
            if (n < 0 || n > limits.maxArray()) {
                throw new ProtocolException("invalid multibulk length");
            }
            // Grow as words arrive: a declared length is not a promise of bytes.
            byte[][] words = new byte[(int) Math.min(n, 16)][];
            for (int i = 0; i < n; i++) {
                byte type = next(in);
                if (type != '$') {
                    throw new ProtocolException("expected '$', got '" + printable(type) + "'");
                }
                if (i == words.length) {
                    words = Arrays.copyOf(words, (int) Math.min(n, 2L * words.length));
                }
                words[i] = bulkBytes(in);
            }
            return words;
        } catch (RuntimeException e) {
            if (e == NEED_MORE) {
                in.position(start);
                return null;
            }
            throw e;
        }
    }

    /** An inline line's words, as {@link #splitInline} splits them. */
    private byte[][] inlineWords(ByteBuffer in) {
        int start = in.position();
        int lf = lineEnd(in, limits.maxInline(), "inline request");
        byte[][] words = splitInline(in, start, contentEnd(in, start, lf));
        in.position(lf + 1);
        return words.length == 0 ? NO_COMMAND : words;
    }

    /**
     * Splits an inline line as Redis does: words separated by spaces and tabs, where a word may be
     * "double quoted" (with the escapes \n \r \t \b \a \\ \" and \xHH) or 'single quoted' (with \'),
     * so a person at telnet can send a value with spaces or bytes in it. A line without quotes takes
     * a fast path: count the words, then copy them into one exact array.
     *
     * @throws ProtocolException for an unclosed quote, or a closing quote not followed by a blank
     */
    private static byte[][] splitInline(ByteBuffer in, int start, int stop) {
        boolean quoted = false;
        int count = 0;
        for (int i = start; i < stop; i++) {
            byte b = in.get(i);
            quoted |= b == '"' || b == '\'';
            if (!isBlank(b) && (i == start || isBlank(in.get(i - 1)))) {
                count++;
            }
        }
        if (quoted) {
            return splitQuoted(in, start, stop);
        }
        byte[][] words = new byte[count][];
        int i = start;
        for (int w = 0; w < count; w++) {
            while (isBlank(in.get(i))) {
                i++;
            }
            int wordStart = i;
            while (i < stop && !isBlank(in.get(i))) {
                i++;
            }
            words[w] = new byte[i - wordStart];
            in.get(wordStart, words[w]);
        }
        return words;
    }

    private static byte[][] splitQuoted(ByteBuffer in, int start, int stop) {
        List<byte[]> words = new ArrayList<>();
        ByteArrayOutputStream word = new ByteArrayOutputStream();
        int i = start;
        while (true) {
            while (i < stop && isBlank(in.get(i))) {
                i++;
            }
            if (i == stop) {
                return words.toArray(new byte[0][]);
            }
            byte quote = 0; // the open quote, if any
            word.reset();
            while (true) {
                if (i == stop) {
                    if (quote != 0) {
                        throw new ProtocolException("unbalanced quotes in request");
                    }
                    break;
                }
                byte c = in.get(i);
                if (quote == 0) {
                    if (isBlank(c)) {
                        break;
                    }
                    if (c == '"' || c == '\'') {
                        quote = c;
                    } else {
                        word.write(c);
                    }
                    i++;
                } else if (c == quote) {
                    // A closing quote ends the word, and must be followed by a blank or the end.
                    i++;
                    if (i < stop && !isBlank(in.get(i))) {
                        throw new ProtocolException("unbalanced quotes in request");
                    }
                    break;
                } else if (c == '\\' && i + 1 < stop) {
                    i += escape(in, i, stop, quote, word);
                } else {
                    word.write(c);
                    i++;
                }
            }
            words.add(word.toByteArray());
        }
    }

    /** Writes the escape at {@code i} (a backslash) inside a {@code quote}; returns its length. */
    private static int escape(ByteBuffer in, int i, int stop, byte quote, ByteArrayOutputStream word) {
        byte next = in.get(i + 1);
        if (quote == '\'') {
            word.write(next == '\'' ? '\'' : '\\');
            return next == '\'' ? 2 : 1;
        }
        if (next == 'x' && i + 3 < stop && hex(in.get(i + 2)) >= 0 && hex(in.get(i + 3)) >= 0) {
            word.write(hex(in.get(i + 2)) * 16 + hex(in.get(i + 3)));
            return 4;
        }
        word.write(switch (next) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'b' -> '\b';
            case 'a' -> 7;
            default -> next;
        });
        return 2;
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }

    private Frame frame(ByteBuffer in, int depth) {
        byte type = next(in);
        switch (type) {
            case '+':
                return new Frame.Simple(plainLine(in, "status line"));
            case '-':
                return new Frame.Error(plainLine(in, "error line"));
            case ':':
                return new Frame.Int(number(in, "invalid integer"));
            case '$':
                return bulk(in);
            case '*': {
                long n = number(in, "invalid multibulk length");
                if (n == -1) {
                    return Frame.NullArray.INSTANCE;
                }
                if (n < 0 || n > limits.maxArray()) {
                    throw new ProtocolException("invalid multibulk length");
                }
                if (depth >= MAX_DEPTH) {
                    throw new ProtocolException("arrays nested deeper than " + MAX_DEPTH);
                }
                // Grow as elements arrive: a declared length is not a promise of bytes.
                List<Frame> elements = new ArrayList<>((int) Math.min(n, 16));
                for (long i = 0; i < n; i++) {
                    elements.add(frame(in, depth + 1));
                }
                return new Frame.Array(elements);
            }
            default:
                throw new ProtocolException("expected a RESP type byte ('+', '-', ':', '$' or '*'), got '"
                        + printable(type) + "'");
        }
    }

    private Frame bulk(ByteBuffer in) {
        int start = in.position();
        if (number(in, "invalid bulk length") == -1) {
            return Frame.NullBulk.INSTANCE;
        }
        in.position(start);
        return new Frame.Bulk(bulkBytes(in));
    }

    /** A bulk string's bytes, from its length line on; a null bulk string is an invalid length here. */
    private byte[] bulkBytes(ByteBuffer in) {
        long n = number(in, "invalid bulk length");
        if (n < 0 || n > limits.maxBulk()) {
            throw new ProtocolException("invalid bulk length");
        }
        if (in.remaining() < n + 2) {
            throw NEED_MORE;
        }
        byte[] bytes = new byte[(int) n];
        in.get(bytes);
        if (in.get() != '\r' || in.get() != '\n') {
            throw new ProtocolException("a bulk string of " + n + " bytes is not followed by CRLF");
        }
        return bytes;
    }

    private Frame parseInline(ByteBuffer in) {
        int start = in.position();
        int lf = lineEnd(in, limits.maxInline(), "inline request");
        byte[][] words = splitInline(in, start, contentEnd(in, start, lf));
        in.position(lf + 1);
        List<Frame> frames = new ArrayList<>(words.length);
        for (byte[] w : words) {
            frames.add(new Frame.Bulk(w));
        }
        return new Frame.Array(frames);
    }

    /** A status or error line, which may not hold a CR of its own. */
    private String plainLine(ByteBuffer in, String what) {
        String text = line(in, limits.maxInline(), what);
        if (text.indexOf('\r') >= 0) {
            throw new ProtocolException("a CR inside a " + what);
        }
        return text;
    }

    /** The rest of a line, up to CRLF (a lone LF also ends an inline line, as in Redis). */
    private static String line(ByteBuffer in, int max, String what) {
        int start = in.position();
        int lf = lineEnd(in, max, what);
        byte[] bytes = new byte[contentEnd(in, start, lf) - start];
        in.get(bytes);
        in.position(lf + 1);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Where the line that starts at the position ends (its LF), with no more than {@code max} bytes
     * before its CRLF; "need more" if it has no LF yet.
     */
    private static int lineEnd(ByteBuffer in, int max, String what) {
        int start = in.position();
        int end = in.limit();
        int i = in.hasArray() ? indexOfLf(in.array(), in.arrayOffset(), start, end) : start;
        for (; i < end; i++) {
            if (in.get(i) == '\n') {
                if (contentEnd(in, start, i) - start > max) {
                    throw new ProtocolException("too big " + what);
                }
                return i;
            }
        }
        // A CR last may be the first half of the CRLF that ends the line, which does not count: without
        // this, a line of exactly max bytes failed when a read split its CRLF and passed when it did not.
        int pending = end > start && in.get(end - 1) == '\r' ? end - start - 1 : end - start;
        if (pending > max) {
            throw new ProtocolException("too big " + what);
        }
        throw NEED_MORE;
    }

    /**
     * Where the first LF in {@code [start, end)} of a heap buffer is, or {@code end}: the scan every
     * line needs, on the array itself (no bounds check per byte through the buffer).
     */
    private static int indexOfLf(byte[] a, int offset, int start, int end) {
        for (int i = start + offset, e = end + offset; i < e; i++) {
            if (a[i] == '\n') {
                return i - offset;
            }
        }
        return end;
    }

    /** Where a line's content ends: before the CR of its CRLF, or at a lone LF. */
    private static int contentEnd(ByteBuffer in, int start, int lf) {
        return lf > start && in.get(lf - 1) == '\r' ? lf - 1 : lf;
    }

    /**
     * A decimal integer line (an optional sign, then digits, within a long), read straight from the
     * bytes: every command's lengths go through here. Redis's own message for a bad one is given.
     */
    private static long number(ByteBuffer in, String error) {
        int start = in.position();
        int lf = lineEnd(in, 32, "number");
        int stop = contentEnd(in, start, lf);
        int i = start;
        boolean negative = false;
        if (i < stop && (in.get(i) == '-' || in.get(i) == '+')) {
            negative = in.get(i) == '-';
            i++;
        }
        if (i == stop) {
            throw new ProtocolException(error);
        }
        long v = 0; // accumulated negatively: the negative range is one larger
        for (; i < stop; i++) {
            int d = in.get(i) - '0';
            if (d < 0 || d > 9 || v < (Long.MIN_VALUE + d) / 10) {
                throw new ProtocolException(error);
            }
            v = v * 10 - d;
        }
        if (!negative && v == Long.MIN_VALUE) {
            throw new ProtocolException(error);
        }
        in.position(lf + 1);
        return negative ? v : -v;
    }

    private static byte next(ByteBuffer in) {
        if (!in.hasRemaining()) {
            throw NEED_MORE;
        }
        return in.get();
    }

    private static String printable(byte b) {
        return b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
    }
}
