package dev.weft.redis.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A connection's outgoing bytes: the replies to one read batch, encoded straight into one growable array
 * and written with one write. No frame objects on the way out.
 */
final class Reply {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Encoded small integers, the common replies (DEL, EXISTS, SUBSCRIBE counts). */
    private static final byte[][] SMALL_INTS = new byte[64][];

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) {
            SMALL_INTS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private byte[] buf;
    private int len;

    Reply(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    int size() {
        return len;
    }

    void clear() {
        len = 0;
    }

    /** The bytes so far, for one write; valid until the next append or clear. */
    ByteBuffer view() {
        return ByteBuffer.wrap(buf, 0, len);
    }

    void ok() {
        raw(OK);
    }

    void simple(String text) {
        put((byte) '+');
        ascii(text);
        raw(CRLF);
    }

    /** An error reply; {@code text} starts with its code ({@code ERR}, {@code WRONGTYPE}, ...). */
    void error(String text) {
        put((byte) '-');
        // Replies are one line: a CR or LF from user input (a command name, say) must not split it.
        ascii(text.indexOf('\r') < 0 && text.indexOf('\n') < 0 ? text : text.replace('\r', ' ').replace('\n', ' '));
        raw(CRLF);
    }

    void integer(long n) {
        if (n >= 0 && n < SMALL_INTS.length) {
            raw(SMALL_INTS[(int) n]);
            return;
        }
        put((byte) ':');
        number(n);
        raw(CRLF);
    }

    void bulk(byte[] bytes) {
        if (bytes == null) {
            raw(NULL_BULK);
            return;
        }
        put((byte) '$');
        number(bytes.length);
        raw(CRLF);
        raw(bytes);
        raw(CRLF);
    }

    void bulk(String latin1) {
        bulk(latin1 == null ? null : latin1.getBytes(StandardCharsets.ISO_8859_1));
    }

    void nullBulk() {
        raw(NULL_BULK);
    }

    void nullArray() {
        raw(NULL_ARRAY);
    }

    void array(int count) {
        put((byte) '*');
        number(count);
        raw(CRLF);
    }

    /** Already-encoded RESP (a pub/sub message built once for every subscriber). */
    void raw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i); // Latin-1: one byte per char, as keys are held
        }
    }

    private void number(long n) {
        ascii(Long.toString(n));
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    /** A copy of the bytes so far. */
    byte[] toArray() {
        return Arrays.copyOf(buf, len);
    }

    /** Drops a buffer grown by one big reply, so an idle connection does not keep it. */
    void shrinkTo(int capacity) {
        if (buf.length > capacity && len == 0) {
            buf = new byte[capacity];
        }
    }
}
