package dev.weft.io;

import dev.weft.Context;
import dev.weft.Future;
import java.io.EOFException;
import java.io.UncheckedIOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Length-delimited framing: each frame is a big-endian length field followed by that many bytes of
 * payload (Tokio's {@code LengthDelimitedCodec}). The length field is 1, 2, 4 (the default) or 8 bytes
 * and counts the payload only; frames longer than a maximum (8 MiB by default) are refused on both
 * sides.
 *
 * <pre>{@code
 * LengthDelimited framing = LengthDelimited.standard().withMaxFrameLength(1 << 20);
 * LengthDelimited.Writer out = framing.writer(stream);
 * out.writeFrame(ByteBuffer.wrap(request)).await();
 *
 * LengthDelimited.Reader in = framing.reader(stream);
 * ByteBuffer frame = in.readFrame().await();                  // null: the peer closed between frames
 * int n = in.readFrame(myBuffer).await();                      // into a buffer of the caller's
 * }</pre>
 *
 * <p>A {@code LengthDelimited} is an immutable description of the format, safe to share; its readers
 * and writers belong to one task at a time.
 */
public final class LengthDelimited {
    /** The longest frame accepted if no maximum is given: 8 MiB. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 8 * 1024 * 1024;

    private static final LengthDelimited STANDARD = new LengthDelimited(4, DEFAULT_MAX_FRAME_LENGTH);

    private final int fieldSize;
    private final int maxFrameLength;

    private LengthDelimited(int fieldSize, int maxFrameLength) {
        this.fieldSize = fieldSize;
        this.maxFrameLength = maxFrameLength;
    }

    /** The default format: a 4-byte length field, frames of at most {@value #DEFAULT_MAX_FRAME_LENGTH} bytes. */
    public static LengthDelimited standard() {
        return STANDARD;
    }

    /**
     * This format with a length field of {@code bytes} bytes. The maximum frame length is capped at what
     * the field can hold (255 for one byte, 65,535 for two).
     *
     * @throws IllegalArgumentException unless {@code bytes} is 1, 2, 4 or 8
     */
    public LengthDelimited withLengthFieldSize(int bytes) {
        if (bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8) {
            throw new IllegalArgumentException("the length field must be 1, 2, 4 or 8 bytes: " + bytes);
        }
        return new LengthDelimited(bytes, maxFrameLength);
    }

    /**
     * This format with frames of at most {@code max} bytes of payload: a longer frame is refused by
     * the writer and by the reader, which then never allocates room for it.
     *
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public LengthDelimited withMaxFrameLength(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("the maximum frame length must not be negative: " + max);
        }
        return new LengthDelimited(fieldSize, max);
    }

    /** The size of the length field, in bytes. */
    public int lengthFieldSize() {
        return fieldSize;
    }

    /** The longest payload a frame may have: the maximum given, capped by what the length field holds. */
    public int maxFrameLength() {
        return fieldSize >= 4 ? maxFrameLength : Math.min(maxFrameLength, (1 << (8 * fieldSize)) - 1);
    }

    /**
     * A reader of frames from {@code in}. If {@code in} is a {@link BufReader}, frames are cut from its
     * buffer (and bytes it had buffered are read first); otherwise the reader puts one in front of it.
     */
    public Reader reader(AsyncRead in) {
        Objects.requireNonNull(in, "in");
        return new Reader(in instanceof BufReader b ? b : new BufReader(in), fieldSize, maxFrameLength());
    }

    /** A writer of frames to {@code out}. */
    public Writer writer(AsyncWrite out) {
        return new Writer(Objects.requireNonNull(out, "out"), fieldSize, maxFrameLength());
    }

    @Override
    public String toString() {
        return "LengthDelimited[lengthFieldSize=" + fieldSize + ", maxFrameLength=" + maxFrameLength() + "]";
    }

    /**
     * Reads frames. A frame is taken out of the input only once all of it has arrived: until then its
     * bytes wait in the reader's buffer, which grows with the bytes that arrive (doubling, at most to
     * the frame's size), never to a size a length field merely claims.
     *
     * <p><b>Cancel safety:</b> both reads are cancel-safe: cancelled by a select and issued again, they
     * go on with the bytes already buffered, and a frame is never lost or split.
     */
    public static final class Reader {
        private final BufReader in;
        private final int fieldSize;
        private final int max;

        private Reader(BufReader in, int fieldSize, int max) {
            this.in = in;
            this.fieldSize = fieldSize;
            this.max = max;
        }

        /**
         * A future that reads the next frame's payload into {@code dst} (from its position) and completes
         * with its length, or -1 if the input ended between frames.
         *
         * @throws UncheckedIOException (from the future) with a {@link ProtocolException} cause if the
         *     frame's length is over the maximum, or an {@link EOFException} cause if the input ends
         *     inside a frame
         * @throws IllegalArgumentException (from the future) if the frame is longer than
         *     {@code dst.remaining()}; the frame stays buffered, to be read into a bigger buffer
         */
        public Future<Integer> readFrame(ByteBuffer dst) {
            Objects.requireNonNull(dst, "dst");
            return new NextFrame(dst.remaining()).map(len -> {
                if (len >= 0) {
                    in.copyTo(fieldSize, len, dst);
                    in.consume(fieldSize + len);
                }
                return len;
            });
        }

        /**
         * A future of the next frame's payload in a new heap buffer of exactly its size, ready to read
         * (position 0, limit the length); null if the input ended between frames. The buffer is
         * allocated once the whole frame has arrived.
         *
         * @throws UncheckedIOException (from the future) as {@link #readFrame(ByteBuffer)}
         */
        public Future<ByteBuffer> readFrame() {
            return new NextFrame(Integer.MAX_VALUE).map(len -> {
                if (len < 0) {
                    return null;
                }
                ByteBuffer frame = ByteBuffer.allocate(len);
                in.copyTo(fieldSize, len, frame);
                in.consume(fieldSize + len);
                return frame.flip();
            });
        }

        /**
         * Completes with the length of the frame at the front of the buffer once all of it is there (the
         * caller takes it out), or -1 at the end of the input between frames.
         */
        private final class NextFrame implements Future<Integer> {
            private final int room;
            private Future<Integer> header;
            private Future<Integer> body;
            private int length = -1;

            NextFrame(int room) {
                this.room = room;
            }

            @Override
            public Object poll(Context cx) {
                if (length < 0) {
                    if (header == null) {
                        header = in.fill(fieldSize);
                    }
                    Object r = header.poll(cx);
                    if (r == PENDING) {
                        return PENDING;
                    }
                    int have = (Integer) r;
                    if (have == 0) {
                        return -1;
                    }
                    if (have < fieldSize) {
                        throw truncated(have, fieldSize, "length field");
                    }
                    length = checkedLength();
                    body = in.fill(fieldSize + length);
                }
                Object r = body.poll(cx);
                if (r == PENDING) {
                    return PENDING;
                }
                int have = (Integer) r;
                if (have < fieldSize + length) {
                    throw truncated(have - fieldSize, length, length + "-byte frame");
                }
                return length;
            }

            /** The length in the buffered field, refused if over the maximum or {@code room}. */
            private int checkedLength() {
                long len = 0;
                for (int i = 0; i < fieldSize; i++) {
                    len = (len << 8) | (in.byteAt(i) & 0xff);
                }
                if (len < 0 || len > max) {
                    throw new UncheckedIOException(new ProtocolException("a frame of "
                            + Long.toUnsignedString(len) + " bytes is longer than the maximum of " + max));
                }
                if (len > room) {
                    throw new IllegalArgumentException("a frame of " + len + " bytes does not fit in the "
                            + room + " bytes left in the buffer given; it stays buffered");
                }
                return (int) len;
            }

            private static UncheckedIOException truncated(int got, int of, String what) {
                return new UncheckedIOException(new EOFException("the input ended after " + got + " of " + of
                        + " bytes of a " + what));
            }

            @Override
            public void cancel() {
                if (header != null) {
                    header.cancel();
                }
                if (body != null) {
                    body.cancel();
                }
            }
        }
    }

    /**
     * Writes frames. A frame that fits in the writer's {@value BufWriter#DEFAULT_CAPACITY}-byte scratch
     * buffer goes out with its length field in one write of the inner writer; a bigger one in two
     * (the field, then the payload, uncopied). Over a {@link BufWriter}, both parts go into its buffer
     * and nothing reaches the socket before it is flushed.
     *
     * <p><b>Cancel safety:</b> {@link #writeFrame} is not cancel-safe: cancelled part-way, part of a
     * frame may have been written, and the output is no longer a sequence of frames. Do not race it.
     */
    public static final class Writer {
        private final AsyncWrite out;
        private final int fieldSize;
        private final int max;
        /** Length field and small payload, copied together; made at the first small frame. */
        private ByteBuffer scratch;

        private Writer(AsyncWrite out, int fieldSize, int max) {
            this.out = out;
            this.fieldSize = fieldSize;
            this.max = max;
        }

        /**
         * A future that writes {@code payload} (its remaining bytes) as one frame. It does not flush:
         * call {@link #flush()} when the frames should be on their way (a TCP stream needs no flush).
         *
         * @throws IllegalArgumentException (at once) if the payload is longer than the maximum
         */
        public Future<Void> writeFrame(ByteBuffer payload) {
            Objects.requireNonNull(payload, "payload");
            int len = payload.remaining();
            if (len > max) {
                throw new IllegalArgumentException("a frame of " + len + " bytes is longer than the maximum of " + max);
            }
            return new WriteParts(payload, len);
        }

        /** A future that flushes the inner writer. Cancel-safe if its flush is. */
        public Future<Void> flush() {
            return out.flush();
        }

        /** A future that shuts the inner writer down ({@link AsyncWrite#shutdown()}): the end of the frames. */
        public Future<Void> shutdown() {
            return out.shutdown();
        }

        private void putLength(ByteBuffer b, int len) {
            for (int shift = 8 * (fieldSize - 1); shift >= 0; shift -= 8) {
                b.put((byte) (shift >= 32 ? 0 : len >>> shift));
            }
        }

        /** The frame's writes, begun at the first poll (so the scratch buffer is filled only then). */
        private final class WriteParts implements Future<Void> {
            private final ByteBuffer payload;
            private final int len;
            private Future<Void> writing;

            WriteParts(ByteBuffer payload, int len) {
                this.payload = payload;
                this.len = len;
            }

            @Override
            public Object poll(Context cx) {
                if (writing == null) {
                    writing = begin();
                }
                return writing.poll(cx);
            }

            private Future<Void> begin() {
                if (fieldSize + len <= BufWriter.DEFAULT_CAPACITY && !(out instanceof BufWriter)) {
                    if (scratch == null) {
                        scratch = ByteBuffer.allocateDirect(BufWriter.DEFAULT_CAPACITY);
                    }
                    putLength(scratch.clear(), len);
                    return out.writeAll(scratch.put(payload).flip());
                }
                ByteBuffer field = ByteBuffer.allocate(fieldSize);
                putLength(field, len);
                return out.writeAll(field.flip()).flatMap(v -> out.writeAll(payload));
            }

            @Override
            public void cancel() {
                if (writing != null) {
                    writing.cancel();
                }
            }
        }
    }
}
