package dev.weft.io;

import dev.weft.Context;
import dev.weft.Future;
import java.io.EOFException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A source of bytes read asynchronously: Tokio's {@code AsyncRead}. Implemented by TCP streams and
 * their read halves, files, and the buffered reader; the buffered reader, framing and {@code copy}
 * work over any of them.
 */
public interface AsyncRead {
    /**
     * A future that reads what is available (at least one byte, waiting for it) into {@code dst} from
     * its position, and completes with the count, or -1 at the end of the input. A {@code dst} with no
     * room completes with 0 at once. Implementations document whether it is cancel-safe.
     */
    Future<Integer> read(ByteBuffer dst);

    /**
     * A future that fills {@code dst} completely, reading as often as needed (Tokio's
     * {@code read_exact}). The default calls {@link #read} in a loop.
     *
     * <p><b>Cancel safety:</b> not cancel-safe: cancelled part-way, the bytes already read are in
     * {@code dst} (its position says how many) and gone from this reader. For a read of a whole record
     * that survives a select, see {@link LengthDelimited} or {@link BufReader#readLine}.
     *
     * @throws UncheckedIOException (from the future, with an {@link EOFException} cause) if the input
     *     ends before {@code dst} is full
     */
    default Future<Void> readExact(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        int wanted = dst.remaining();
        Future<Integer> one = read(dst);
        return new Future<>() {
            @Override
            public Object poll(Context cx) {
                while (dst.hasRemaining()) {
                    Object r = one.poll(cx);
                    if (r == PENDING) {
                        return PENDING;
                    }
                    if ((Integer) r < 0) {
                        EOFException eof = new EOFException("the input ended after "
                                + (wanted - dst.remaining()) + " of " + wanted + " bytes");
                        throw new UncheckedIOException("readExact on " + AsyncRead.this + " failed: "
                                + eof.getMessage(), eof);
                    }
                }
                return null;
            }

            @Override
            public void cancel() {
                one.cancel();
            }
        };
    }
}
