package dev.weft;

/**
 * The body of an async block with no output ({@link Weft#async(AsyncRunnable)}); the block completes
 * with {@code null}. Everything said of {@link AsyncBody} holds.
 */
@FunctionalInterface
public interface AsyncRunnable {
    /** Runs the body. Called at most once, when the block is first polled or awaited. */
    void run() throws Exception;
}
