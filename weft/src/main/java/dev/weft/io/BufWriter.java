package dev.weft.io;

import dev.weft.Context;
import dev.weft.Future;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An {@link AsyncWrite} with a buffer in front: Tokio's {@code BufWriter}. Small writes are gathered
 * in the buffer and go to the inner writer a buffer-full at a time, so writing a protocol a few bytes
 * at a time costs one write of the socket per buffer-full, not one per call.
 *
 * <pre>{@code
 * BufWriter out = new BufWriter(stream);
 * for (String reply : replies) {
 *     out.writeAll(ByteBuffer.wrap(reply.getBytes(UTF_8))).await();
 * }
 * out.flush().await();          // nothing is sent until the buffer fills or this runs
 * }</pre>
 *
 * <p>Named after Tokio's type rather than {@link java.io.BufferedWriter}, which writes characters and
 * blocks.
 *
 * <p><b>Flush before you leave.</b> Bytes in the buffer reach the inner writer only when the buffer
 * fills, on {@link #flush()} or on {@link #shutdown()}. Nothing flushes on its own: a writer dropped
 * with bytes in it loses them.
 *
 * <p>{@link #writeAll} (inherited) goes through the buffer too: when it completes, the end of its
 * bytes may still be buffered.
 *
 * <h2>Copies</h2>
 * A write that does not fit in the buffer's room writes the buffered bytes out first; then a write of
 * at least {@link #capacity()} bytes goes straight to the inner writer (no copy), and a smaller one is
 * copied into the buffer. The buffer is direct, so a socket writes from it without the JDK's copy into
 * a temporary direct buffer.
 *
 * <h2>Threads</h2>
 * Used by one task at a time, one operation at a time, as a socket's write side is. No locks: the
 * poller's happens-before edge between successive polls is all the ordering it needs.
 */
public final class BufWriter implements AsyncWrite {
    /*
     * Implementation overview.
     *
     * buf is a direct buffer in "fill mode": bytes are appended at its position. out is a second view
     * of the same memory, made once, through which the inner writer writes: out's position is the first
     * byte not yet written, and it is given the limit buf.position() before each inner write. So the
     * buffered bytes are [out.position(), buf.position()), and an inner write's progress is recorded by
     * the inner write itself (it advances out's position in the poll that returns its count). When out
     * catches up, both views go back to 0. Cancelling any operation therefore loses and repeats
     * nothing: what an inner write completed is off the buffer; what it did not is still on it.
     */

    /** The buffer size if none is given: 8 KiB. */
    public static final int DEFAULT_CAPACITY = 8 * 1024;

    private final AsyncWrite inner;
    private final ByteBuffer buf;
    private final ByteBuffer out;

    /** A writer over {@code inner} with a buffer of {@value #DEFAULT_CAPACITY} bytes. */
    public BufWriter(AsyncWrite inner) {
        this(inner, DEFAULT_CAPACITY);
    }

    /**
     * A writer over {@code inner} with a buffer of {@code capacity} bytes (allocated now, direct).
     *
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public BufWriter(AsyncWrite inner, int capacity) {
        this.inner = Objects.requireNonNull(inner, "inner");
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.buf = ByteBuffer.allocateDirect(capacity);
        this.out = buf.duplicate().limit(0);
    }

    /** The writer this one writes to. Writing to it directly overtakes the bytes buffered here. */
    public AsyncWrite inner() {
        return inner;
    }

    /** The size of the buffer. */
    public int capacity() {
        return buf.capacity();
    }

    /** How many bytes are buffered: written to this writer and not yet to the inner one. */
    public int buffered() {
        return buf.position() - out.position();
    }

    /**
     * A future that takes some of {@code src} (from its position) and completes with the count: as
     * much as fits in the buffer, after writing the buffered bytes out if {@code src} does not fit in
     * the room left; or, with the buffer empty and at least {@link #capacity()} bytes in {@code src},
     * as much as the inner writer takes of it directly. Completes with 0 at once if {@code src} is
     * empty.
     *
     * <p><b>Cancel safety:</b> cancel-safe if the inner writer's {@code write} is (a socket's is):
     * bytes are taken from {@code src} only in the poll that returns their count, and bytes written out
     * of the buffer before a cancel are off it, never written twice.
     */
    @Override
    public Future<Integer> write(ByteBuffer src) {
        return new Write(Objects.requireNonNull(src, "src"));
    }

    /**
     * A future that writes every buffered byte to the inner writer, then flushes that.
     *
     * <p><b>Cancel safety:</b> cancel-safe: cancelled part-way, the bytes written are off the buffer
     * and the rest are still on it; a flush issued again goes on from there.
     */
    @Override
    public Future<Void> flush() {
        return new Flush(false);
    }

    /**
     * A future that writes every buffered byte to the inner writer, then shuts that down
     * ({@link AsyncWrite#shutdown()}: a TCP stream sends its FIN, so the peer reads the end of the
     * stream). This writer must not be written to afterwards.
     *
     * <p><b>Cancel safety:</b> cancel-safe, as {@link #flush()}; issue it again to finish.
     */
    @Override
    public Future<Void> shutdown() {
        return new Flush(true);
    }

    /** A future of one inner write of the buffered bytes; the caller must then call {@link #written}. */
    private Future<Integer> writeOut() {
        out.limit(buf.position());
        return inner.write(out);
    }

    /** Records an inner write of the buffered bytes: when all are written, the buffer is empty again. */
    private void written() {
        if (out.position() == buf.position()) {
            buf.clear();
            out.position(0).limit(0);
        }
    }

    /** {@link #write}: make room, then bypass or buffer. */
    private final class Write implements Future<Integer> {
        private final ByteBuffer src;
        private Future<Integer> pending;
        private boolean bypass;

        Write(ByteBuffer src) {
            this.src = src;
        }

        @Override
        public Object poll(Context cx) {
            for (;;) {
                if (pending != null) {
                    Object r = pending.poll(cx);
                    if (r == PENDING) {
                        return PENDING;
                    }
                    pending = null;
                    if (bypass) {
                        return r;
                    }
                    written();
                }
                int n = src.remaining();
                if (n == 0) {
                    return 0;
                }
                if (buffered() > 0 && n > buf.remaining()) {
                    bypass = false;
                    pending = writeOut();
                } else if (buffered() == 0 && n >= buf.capacity()) {
                    bypass = true;
                    pending = inner.write(src);
                } else {
                    n = Math.min(n, buf.remaining());
                    buf.put(buf.position(), src, src.position(), n);
                    buf.position(buf.position() + n);
                    src.position(src.position() + n);
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

    /** {@link #flush} and {@link #shutdown}: write the buffer out, then flush or shut down the inner writer. */
    private final class Flush implements Future<Void> {
        private final boolean shutdown;
        private Future<Integer> writing;
        private Future<Void> last;

        Flush(boolean shutdown) {
            this.shutdown = shutdown;
        }

        @Override
        public Object poll(Context cx) {
            while (last == null) {
                if (writing == null) {
                    if (buffered() == 0) {
                        last = shutdown ? inner.shutdown() : inner.flush();
                        break;
                    }
                    writing = writeOut();
                }
                if (writing.poll(cx) == PENDING) {
                    return PENDING;
                }
                writing = null;
                written();
            }
            return last.poll(cx);
        }

        @Override
        public void cancel() {
            if (writing != null) {
                writing.cancel();
                writing = null;
            }
            if (last != null) {
                last.cancel();
            }
        }
    }
}
