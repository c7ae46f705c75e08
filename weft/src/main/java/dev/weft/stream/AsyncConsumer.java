package dev.weft.stream;

/**
 * What {@link Stream#forEach} runs for each item: plain code inside an async block, which may
 * {@link dev.weft.Future#await() await} and may throw. A checked exception it throws is wrapped once
 * ({@link dev.weft.AsyncException}); an unchecked one reaches the awaiter as the same object.
 *
 * @param <T> the type of the items
 */
@FunctionalInterface
public interface AsyncConsumer<T> {
    /** Handles one item; called once per item, in order, never for two items at once. */
    void accept(T item) throws Exception;
}
