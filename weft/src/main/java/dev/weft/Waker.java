package dev.weft;

/**
 * Wakes the task (or combinator branch) that polled a future, so it polls again.
 *
 * <p>Contract, for every implementation:
 * <ul>
 *   <li>{@code wake()} may be called from any thread, any number of times, including while the woken
 *       task is being polled; wakes that arrive before the next poll coalesce into one poll.</li>
 *   <li>It never blocks and never runs the task inline: it only schedules a poll.</li>
 *   <li>Memory consistency: actions in a thread before it calls {@code wake()} happen-before the poll
 *       that the wake causes.</li>
 *   <li>Waking a task that has completed does nothing.</li>
 * </ul>
 * A future keeps at most the waker of its latest poll; comparing wakers by identity is enough to see
 * whether a stored waker must be replaced.
 */
@FunctionalInterface
public interface Waker {

    /** Schedules a poll of the task this waker belongs to. Cheap, thread-safe, never blocks. */
    void wake();

    /** A waker that does nothing: for polling by hand in tests, where nothing needs waking. */
    static Waker noop() {
        return NoopWaker.INSTANCE;
    }
}
