package dev.weft;

/**
 * The body of an async block ({@link Weft#async(AsyncBody)}): plain sequential code that may
 * {@link Future#await() await} futures and may throw. A checked exception it throws is wrapped once
 * ({@link AsyncException}); an unchecked one reaches the awaiter as the same object.
 *
 * @param <T> the type of the block's output
 */
@FunctionalInterface
public interface AsyncBody<T> {
    /** Runs the body. Called at most once, when the block is first polled or awaited. */
    T run() throws Exception;
}
