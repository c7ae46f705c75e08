package dev.weft.internal;

import dev.weft.Future;
import java.util.concurrent.Callable;

/**
 * What code in other packages (time, I/O) needs from the runtime on the current thread, found
 * through {@link ThreadContext#runtime}: implemented by the runtime's handle. Not API.
 */
public interface RuntimeServices {
    /** The runtime's time driver (a {@code dev.weft.time.TimeDriver}); typed {@code Object} to keep packages apart. */
    Object timeDriver();

    /** The runtime's I/O drivers (a {@code dev.weft.io.Reactor}), or null if it has none (a test's fake driver). */
    Object ioDriver();

    /** Starts {@code work} on the runtime's blocking pool now; the future completes with its result. */
    <T> Future<T> runBlocking(Callable<T> work);
}
