package dev.weft.io;

import dev.weft.Future;
import java.nio.ByteBuffer;

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

    /** A future that completes when everything written so far has been handed to the OS. */
    Future<Void> flush();
}
