package dev.weft.io;

import dev.weft.Future;
import java.nio.ByteBuffer;

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
}
