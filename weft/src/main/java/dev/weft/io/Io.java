package dev.weft.io;

import dev.weft.Context;
import dev.weft.Future;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Copying between readers and writers: Tokio's {@code tokio::io::copy} and {@code copy_bidirectional}.
 *
 * <pre>{@code
 * // a TCP proxy: each inbound connection joined to a connection to the backend
 * TcpStream client = listener.accept().await();
 * Weft.spawn(() -> {
 *     try (client; TcpStream server = TcpStream.connect(backend).await()) {
 *         Io.Transferred t = Io.copyBidirectional(client, server).await();
 *     }
 * });
 * }</pre>
 *
 * <p>Each direction has one buffer of {@value #BUFFER_SIZE} bytes, allocated (direct) when the copy is
 * made and used for every chunk, and keeps reading into its free space while a write of the bytes
 * before is waiting for room, so a slow side does not stall the other until the buffer is full.
 */
public final class Io {
    /** The size of the buffer of each direction of a copy. */
    public static final int BUFFER_SIZE = 8 * 1024;

    private Io() {
    }

    /**
     * A future that reads everything from {@code reader} until its end and writes it all to
     * {@code writer}, then flushes {@code writer}, and completes with the count of bytes copied. It
     * does not shut {@code writer} down.
     *
     * <p>Cost: one {@value #BUFFER_SIZE}-byte buffer per copy; a read and a write of the inner streams
     * per buffer-full at most. The inner reads and writes spend the cooperative budget, so a long copy
     * gives its thread up now and then.
     *
     * <p><b>Cancel safety:</b> not cancel-safe: cancelled part-way, bytes read but not yet written
     * are lost. Keep it out of a select in a loop (race it against a shutdown signal once, at most).
     */
    public static Future<Long> copy(AsyncRead reader, AsyncWrite writer) {
        return copy(reader, writer, BUFFER_SIZE);
    }

    /**
     * As {@link #copy(AsyncRead, AsyncWrite)}, with a buffer of {@code bufferSize} bytes: bigger
     * buffers mean fewer reads and writes of the inner streams (an echo of 16 KB messages reads up to
     * 64 KB at once, as Netty does), at that much memory per copy.
     *
     * <p><b>Cancel safety:</b> not cancel-safe, as {@link #copy(AsyncRead, AsyncWrite)}.
     *
     * @throws IllegalArgumentException if {@code bufferSize} is not positive
     */
    public static Future<Long> copy(AsyncRead reader, AsyncWrite writer, int bufferSize) {
        if (bufferSize <= 0) {
            throw new IllegalArgumentException("a copy's buffer needs at least one byte, not " + bufferSize);
        }
        Pump pump = new Pump(Objects.requireNonNull(reader, "reader"), Objects.requireNonNull(writer, "writer"), false,
                bufferSize);
        return new Future<>() {
            @Override
            public Object poll(Context cx) {
                return pump.poll(cx);
            }

            @Override
            public void cancel() {
                pump.cancel();
            }
        };
    }

    /** What {@link #copyBidirectional} moved: bytes from {@code a} to {@code b}, and from {@code b} to {@code a}. */
    public record Transferred(long aToB, long bToA) {
    }

    /**
     * A future that copies from {@code a} to {@code b} and from {@code b} to {@code a} at once, until
     * both have ended, and completes with both counts. When one side's input ends, everything read from
     * it is written and flushed, and the other side's write side is shut down
     * ({@link AsyncWrite#shutdown()}): a TCP peer sees the end of its input just as if it were
     * connected directly, and can still answer. If either direction fails, the other is cancelled and
     * the future fails.
     *
     * <p>Cost: two {@value #BUFFER_SIZE}-byte buffers. Every poll polls both directions.
     *
     * <p><b>Cancel safety:</b> not cancel-safe (see {@link #copy}). Neither stream is closed: close
     * them after it, whichever way it ends.
     */
    public static <A extends AsyncRead & AsyncWrite, B extends AsyncRead & AsyncWrite>
            Future<Transferred> copyBidirectional(A a, B b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Pump aToB = new Pump(a, b, true, BUFFER_SIZE);
        Pump bToA = new Pump(b, a, true, BUFFER_SIZE);
        return new Future<>() {
            private Long ab;
            private Long ba;

            @Override
            public Object poll(Context cx) {
                try {
                    if (ab == null) {
                        ab = result(aToB.poll(cx));
                    }
                    if (ba == null) {
                        ba = result(bToA.poll(cx));
                    }
                } catch (RuntimeException | Error e) {
                    cancel();
                    throw e;
                }
                return ab != null && ba != null ? new Transferred(ab, ba) : PENDING;
            }

            private static Long result(Object r) {
                return r == PENDING ? null : (Long) r;
            }

            @Override
            public void cancel() {
                aToB.cancel();
                bToA.cancel();
            }
        };
    }

    /**
     * One direction of a copy: a state machine over one buffer, with at most one read and one write of
     * the inner streams in flight.
     *
     * <p>The buffer is seen through two views: {@code in}, whose position is where the next read puts
     * its bytes, and {@code out}, whose position is the next byte to write and whose limit is set to
     * {@code in}'s position before each write. So the bytes waiting to be written are
     * [out.position, in.position), reads fill the space after them while a write waits, and both views
     * go back to 0 when everything read has been written and no read is in flight (a read in flight
     * will put its bytes at {@code in}'s position, which must not move under it).
     *
     * <p>A poll loops while a read or a write completes; it returns pending only when every step it
     * could take returned pending, so a waker is registered with each of them.
     */
    private static final class Pump {
        private final AsyncRead reader;
        private final AsyncWrite writer;
        private final boolean shutdownAtEnd;
        private final ByteBuffer in;
        private final ByteBuffer out;
        private Future<Integer> reading;
        private Future<Integer> writing;
        private Future<Void> finishing;
        private boolean eof;
        private long copied;

        Pump(AsyncRead reader, AsyncWrite writer, boolean shutdownAtEnd, int bufferSize) {
            this.reader = reader;
            this.writer = writer;
            this.shutdownAtEnd = shutdownAtEnd;
            this.in = ByteBuffer.allocateDirect(bufferSize);
            this.out = in.duplicate().limit(0);
        }

        /** {@link Future#PENDING}, or the count copied once the copy has finished. */
        Object poll(Context cx) {
            for (;;) {
                boolean progress = false;
                if (reading == null && out.position() == in.position() && in.position() > 0) {
                    in.clear();
                    out.position(0).limit(0);
                }
                if (!eof && in.hasRemaining()) {
                    if (reading == null) {
                        reading = reader.read(in);
                    }
                    Object r = reading.poll(cx);
                    if (r != Future.PENDING) {
                        reading = null;
                        eof = (Integer) r < 0;
                        progress = true;
                    }
                }
                if (out.position() < in.position()) {
                    out.limit(in.position());
                    if (writing == null) {
                        writing = writer.write(out);
                    }
                    Object w = writing.poll(cx);
                    if (w != Future.PENDING) {
                        writing = null;
                        copied += (Integer) w;
                        progress = true;
                    }
                } else if (eof) {
                    if (finishing == null) {
                        finishing = shutdownAtEnd ? writer.shutdown() : writer.flush();
                    }
                    return finishing.poll(cx) == Future.PENDING ? Future.PENDING : (Object) copied;
                }
                if (!progress) {
                    return Future.PENDING;
                }
            }
        }

        void cancel() {
            if (reading != null) {
                reading.cancel();
                reading = null;
            }
            if (writing != null) {
                writing.cancel();
                writing = null;
            }
            if (finishing != null) {
                finishing.cancel();
            }
        }
    }
}
