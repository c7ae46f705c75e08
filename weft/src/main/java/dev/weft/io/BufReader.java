package dev.weft.io;

import dev.weft.Context;
import dev.weft.Future;
import java.io.UncheckedIOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An {@link AsyncRead} with a buffer in front: Tokio's {@code BufReader}. Small reads are served from
 * the buffer, so reading a protocol a few bytes at a time costs one read of the inner source per
 * buffer-full, not one per call; lines and delimited records are cut out of the buffer.
 *
 * <pre>{@code
 * BufReader in = new BufReader(stream);
 * String line;
 * while ((line = in.readLine().await()) != null) {
 *     handle(line);
 * }
 * }</pre>
 *
 * <p>Named after Tokio's type rather than {@link java.io.BufferedReader}, which reads characters and
 * blocks: this one reads bytes, into {@link ByteBuffer}s, without blocking a thread.
 *
 * <h2>Copies</h2>
 * A {@link #read} into a buffer with at least {@link #capacity()} bytes of room, while nothing is
 * buffered, goes straight to the inner source: no copy. {@link #fillBuf()} shows the buffered bytes
 * without copying them; {@link #readLine()} decodes its string straight from the buffer.
 *
 * <h2>Cancel safety</h2>
 * The lookahead operations ({@link #readLine}, {@link #readUntil}, {@link #fillBuf}) read into the
 * buffer and take bytes out of it only in the poll that completes them. Cancelled (say, by losing a
 * select) and issued again, they lose nothing: the bytes read so far are still buffered. To keep a
 * whole line in the buffer, the buffer grows up to the line's length (bounded by the maximum line
 * length) and goes back to its {@link #capacity()} once it has been emptied. {@link #read} is as
 * cancel-safe as the inner reader's {@code read}. {@link #readExact} (inherited: buffered bytes
 * first, then reads, straight into the caller's buffer when it has room for a buffer-full) is not.
 *
 * <h2>Threads</h2>
 * A reader is used by one task at a time, one operation at a time (issue the next one when the last
 * has completed or been cancelled), as a socket's read side is. It has no locks: the poller's
 * happens-before edge between successive polls is all the ordering it needs.
 */
public final class BufReader implements AsyncRead {
    /*
     * Implementation overview.
     *
     * buf is a heap buffer (so readLine can build its String from the backing array) kept in "fill
     * mode": the buffered bytes are [start, buf.position()), and the inner reader reads into buf from
     * its position up to its limit, which is always its capacity. Invariant: when nothing is buffered,
     * start == buf.position() == 0 (consume restores it), so an empty buffer has all its room.
     *
     * Every operation that needs more bytes makes room (compact when the end is reached and start > 0;
     * grow, doubling, when the buffered bytes fill the whole buffer and the operation needs more), then
     * creates one inner read into buf and polls it. An inner read completes with its bytes already
     * appended, so cancelling an operation never loses bytes; an operation consumes only when it
     * completes, in that same poll. Only one operation runs at a time, so nothing moves or replaces buf
     * while an inner read holds it.
     */

    /** The buffer size if none is given: 8 KiB. */
    public static final int DEFAULT_CAPACITY = 8 * 1024;

    /** The longest line {@link #readLine()} accepts: 64 KiB, not counting the line terminator. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

    /** What {@link Fill} completes with when the limit was reached without finding the delimiter. */
    private static final int NO_DELIMITER = -2;

    private final AsyncRead inner;
    private final int capacity;
    private ByteBuffer buf;
    private int start;

    /** A reader over {@code inner} with a buffer of {@value #DEFAULT_CAPACITY} bytes. */
    public BufReader(AsyncRead inner) {
        this(inner, DEFAULT_CAPACITY);
    }

    /**
     * A reader over {@code inner} with a buffer of {@code capacity} bytes (allocated now, on the heap).
     *
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public BufReader(AsyncRead inner, int capacity) {
        this.inner = Objects.requireNonNull(inner, "inner");
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.buf = ByteBuffer.allocate(capacity);
    }

    /** The reader this one reads from. Reading from it directly skips the bytes buffered here. */
    public AsyncRead inner() {
        return inner;
    }

    /** The size of the buffer when it is not holding a long line or frame. */
    public int capacity() {
        return capacity;
    }

    /** The size of the buffer now: more than {@link #capacity()} while it holds a long line or frame. */
    int bufferSize() {
        return buf.capacity();
    }

    /** How many bytes are buffered: read from the inner reader and not yet consumed. */
    public int buffered() {
        return buf.position() - start;
    }

    /**
     * A future that reads into {@code dst} from its position and completes with the count (at least
     * one, waiting for it), or -1 at the end of the input. Buffered bytes come first; with none, a
     * {@code dst} with room for at least {@link #capacity()} bytes is read into directly, and a smaller
     * one is served from a fresh buffer-full. A {@code dst} with no room completes with 0 at once.
     *
     * <p><b>Cancel safety:</b> as cancel-safe as the inner reader's {@code read} (a socket's is):
     * bytes leave this reader only in the poll that returns their count.
     */
    @Override
    public Future<Integer> read(ByteBuffer dst) {
        return new Read(Objects.requireNonNull(dst, "dst"));
    }

    /**
     * A future of a read-only view of the buffered bytes, reading from the inner reader first if none
     * are buffered (Tokio's {@code fill_buf}). The view is empty only at the end of the input. It
     * shares the buffer: it is valid until the next operation on this reader. Follow it with
     * {@link #consume(int)} to take the bytes that were used.
     *
     * <p><b>Cancel safety:</b> cancel-safe: it consumes nothing.
     */
    public Future<ByteBuffer> fillBuf() {
        return new Fill(-1, 1).map(n -> buf.slice(start, buffered()).asReadOnlyBuffer());
    }

    /**
     * Takes {@code n} buffered bytes out of the buffer, as used (after {@link #fillBuf()}). Cost: a
     * field update; when the buffer becomes empty, a buffer that grew past {@link #capacity()} for a
     * long line is let go.
     *
     * @throws IllegalArgumentException if {@code n} is negative or more than {@link #buffered()}
     */
    public void consume(int n) {
        if (n < 0 || n > buffered()) {
            throw new IllegalArgumentException("cannot consume " + n + " bytes: " + buffered() + " are buffered");
        }
        start += n;
        if (start == buf.position()) {
            start = 0;
            if (buf.capacity() > capacity) {
                buf = ByteBuffer.allocate(capacity);
            } else {
                buf.clear();
            }
        }
    }

    /**
     * {@link #readLine(int)} with lines of up to {@value #DEFAULT_MAX_LINE_LENGTH} bytes.
     *
     * <p><b>Cancel safety:</b> cancel-safe: see {@link #readLine(int)}.
     */
    public Future<String> readLine() {
        return readLine(DEFAULT_MAX_LINE_LENGTH);
    }

    /**
     * A future of the next line, decoded as UTF-8, without its terminator ({@code "\n"} or
     * {@code "\r\n"}); or null at the end of the input. The last line need not end with a terminator:
     * the bytes before the end of the input are the last line.
     *
     * <p>Cost: the line is found and decoded in the buffer, with no copy besides the string itself.
     * The buffer grows to hold a line longer than it, up to {@code maxLength} plus the terminator.
     *
     * <p><b>Cancel safety:</b> cancel-safe: until it completes, the bytes of the line stay buffered,
     * so a line read cancelled by a select and issued again gets the whole line.
     *
     * @param maxLength the most bytes a line may have, not counting its terminator
     * @throws UncheckedIOException (from the future, with a {@link ProtocolException} cause) if a line
     *     is longer than {@code maxLength}; the bytes stay buffered and the input cannot be read past
     *     them as lines, so give up on it (close the connection)
     * @throws IllegalArgumentException if {@code maxLength} is negative
     */
    public Future<String> readLine(int maxLength) {
        if (maxLength < 0) {
            throw new IllegalArgumentException("maxLength must not be negative: " + maxLength);
        }
        return new Fill('\n', (int) Math.min(Integer.MAX_VALUE - 8, maxLength + 2L)).map(len -> {
            if (len == NO_DELIMITER) {
                throw lineTooLong(maxLength);
            }
            if (len == 0) {
                return null;
            }
            byte[] a = buf.array();
            int from = buf.arrayOffset() + start;
            int end = len;
            if (a[from + end - 1] == '\n') {
                end--;
                if (end > 0 && a[from + end - 1] == '\r') {
                    end--;
                }
            }
            if (end > maxLength) {
                throw lineTooLong(maxLength);
            }
            String line = new String(a, from, end, StandardCharsets.UTF_8);
            consume(len);
            return line;
        });
    }

    private static UncheckedIOException lineTooLong(int maxLength) {
        return new UncheckedIOException(new ProtocolException("line longer than the maximum of " + maxLength
                + " bytes"));
    }

    /**
     * A future that copies the bytes up to and including the next {@code delimiter} into {@code dst}
     * and completes with their count; at the end of the input, the bytes left (without a delimiter),
     * or -1 if none are left. A {@code dst} with no room completes with 0 at once.
     *
     * <p><b>Cancel safety:</b> cancel-safe: the bytes stay buffered until the delimiter has been found,
     * and go into {@code dst} in the poll that completes.
     *
     * @throws UncheckedIOException (from the future, with a {@link ProtocolException} cause) if the
     *     delimiter is not among the next {@code dst.remaining()} bytes; they stay buffered
     */
    public Future<Integer> readUntil(byte delimiter, ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        if (!dst.hasRemaining()) {
            return Future.ready(0);
        }
        int room = dst.remaining();
        return new Fill(delimiter & 0xff, room).map(len -> {
            if (len == NO_DELIMITER) {
                throw new UncheckedIOException(new ProtocolException("no delimiter 0x"
                        + Integer.toHexString(delimiter & 0xff) + " in the next " + room + " bytes"));
            }
            if (len == 0) {
                return -1;
            }
            copyTo(0, len, dst);
            consume(len);
            return len;
        });
    }

    /**
     * A future that completes once at least {@code n} bytes are buffered, growing the buffer if needed,
     * with the count buffered; at the end of the input, with what is buffered (fewer than {@code n},
     * maybe 0). Cancel-safe: it consumes nothing. For framing readers, which take a frame out of the
     * buffer only once all of it has arrived.
     */
    Future<Integer> fill(int n) {
        return new Fill(-1, n);
    }

    /** The buffered byte {@code i} places past the first (no bounds check beyond the buffer's). */
    byte byteAt(int i) {
        return buf.get(start + i);
    }

    /** Copies {@code n} buffered bytes, from {@code offset} past the first, into {@code dst}; consumes none. */
    void copyTo(int offset, int n, ByteBuffer dst) {
        dst.put(dst.position(), buf, start + offset, n);
        dst.position(dst.position() + n);
    }

    /**
     * Makes room to read into: compacts the buffered bytes to the front when the end is reached, and
     * grows the buffer (doubling, at most to {@code need} bytes) when they fill all of it.
     */
    private void makeRoom(int need) {
        if (buf.hasRemaining()) {
            return;
        }
        if (start > 0) {
            buf.limit(buf.position()).position(start);
            buf.compact();
            start = 0;
            return;
        }
        int grown = (int) Math.min(Math.max(need, buf.capacity() + 1L), 2L * buf.capacity());
        ByteBuffer bigger = ByteBuffer.allocate(grown);
        bigger.put(buf.flip());
        buf = bigger;
    }

    /** The bytes waiting in the buffer, copied into {@code dst}, as far as it has room. */
    private int copyOut(ByteBuffer dst) {
        int n = Math.min(buffered(), dst.remaining());
        copyTo(0, n, dst);
        consume(n);
        return n;
    }

    /** {@link #read}: serve from the buffer, refill it, or bypass it. */
    private final class Read implements Future<Integer> {
        private final ByteBuffer dst;
        private Future<Integer> pending;
        private boolean bypass;

        Read(ByteBuffer dst) {
            this.dst = dst;
        }

        @Override
        public Object poll(Context cx) {
            for (;;) {
                if (pending == null) {
                    if (buffered() > 0) {
                        return copyOut(dst);
                    }
                    if (!dst.hasRemaining()) {
                        return 0;
                    }
                    bypass = dst.remaining() >= capacity;
                    pending = inner.read(bypass ? dst : buf);
                }
                Object r = pending.poll(cx);
                if (r == PENDING) {
                    return PENDING;
                }
                pending = null;
                int n = (Integer) r;
                if (bypass || n < 0) {
                    return n;
                }
            }
        }

        @Override
        public void cancel() {
            if (pending != null) {
                pending.cancel();
                pending = null;
            }
        }
    }

    /**
     * The lookahead behind every cancel-safe operation. With {@code delimiter} -1, it completes once
     * {@code want} bytes are buffered, with the count buffered. With a delimiter, it completes with the
     * length of the buffered bytes up to and including the first delimiter, or {@link #NO_DELIMITER}
     * when the first {@code want} bytes hold none. At the end of the input it completes with what is
     * buffered. It never consumes.
     */
    private final class Fill implements Future<Integer> {
        private final int delimiter;
        private final int want;
        /** How many buffered bytes (from start) are known to hold no delimiter. */
        private int scanned;
        private boolean eof;
        private Future<Integer> pending;

        Fill(int delimiter, int want) {
            this.delimiter = delimiter;
            this.want = want;
        }

        @Override
        public Object poll(Context cx) {
            for (;;) {
                if (pending == null) {
                    int have = buffered();
                    if (delimiter >= 0) {
                        int found = scan(Math.min(have, want));
                        if (found > 0) {
                            return found;
                        }
                        if (have >= want) {
                            return NO_DELIMITER;
                        }
                    } else if (have >= want) {
                        return have;
                    }
                    if (eof) {
                        return have;
                    }
                    makeRoom(want);
                    pending = inner.read(buf);
                }
                Object r = pending.poll(cx);
                if (r == PENDING) {
                    return PENDING;
                }
                pending = null;
                eof = (Integer) r < 0;
            }
        }

        /** The length up to and including the delimiter among the first {@code upTo} bytes, or 0. */
        private int scan(int upTo) {
            byte[] a = buf.array();
            int base = buf.arrayOffset() + start;
            byte d = (byte) delimiter;
            for (int i = scanned; i < upTo; i++) {
                if (a[base + i] == d) {
                    return i + 1;
                }
            }
            scanned = upTo;
            return 0;
        }

        @Override
        public void cancel() {
            if (pending != null) {
                pending.cancel();
                pending = null;
            }
        }
    }
}
