package dev.weft.io;

import dev.weft.Context;
import dev.weft.Future;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A sink of bytes written asynchronously: Tokio's {@code AsyncWrite}. Implemented by TCP streams and
 * their write halves, files, and the buffered writer.
 */
public interface AsyncWrite {
    /**
     * A future that writes some of {@code src} from its position (at least one byte, waiting for room)
     * and completes with the count. Implementations document whether it is cancel-safe.
     */
    Future<Integer> write(ByteBuffer src);

    /**
     * A future that writes all of {@code src}, waiting for room as often as needed (Tokio's
     * {@code write_all}). The default calls {@link #write} in a loop.
     *
     * <p><b>Cancel safety:</b> not cancel-safe: cancelled part-way, some of {@code src} was written
     * (its position says how much).
     */
    default Future<Void> writeAll(ByteBuffer src) {
        Objects.requireNonNull(src, "src");
        Future<Integer> one = write(src);
        return new Future<>() {
            @Override
            public Object poll(Context cx) {
                while (src.hasRemaining()) {
                    if (one.poll(cx) == PENDING) {
                        return PENDING;
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

    /** A future that completes when everything written so far has been handed to the OS. */
    Future<Void> flush();

    /**
     * A future that flushes, then closes the write side so that the reader at the other end sees the
     * end of the stream, while this side may still read (Tokio's {@code AsyncWrite::poll_shutdown}; a
     * TCP stream sends its FIN). Writes after it fail. {@link Io#copyBidirectional} calls it when one
     * direction's source ends.
     *
     * <p>The default only flushes: right for a sink with no write side to close apart from the whole
     * resource (a file, an in-memory buffer). A writer with a half it can close overrides it; a writer
     * that wraps another one flushes itself, then shuts the inner one down.
     */
    default Future<Void> shutdown() {
        return flush();
    }
}
