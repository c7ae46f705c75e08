package dev.weft.time;

import dev.weft.Context;
import dev.weft.Future;
import java.time.Duration;
import java.util.Objects;

/**
 * A future that runs an inner future with a time limit: what {@code Weft.timeout} returns. It
 * completes as the inner future does if that finishes first; otherwise, at the deadline, it cancels
 * the inner future (whose cleanup runs, its {@code finally} blocks included) and fails with
 * {@link ElapsedException}.
 *
 * <p>The inner future is polled first, so a future that is ready at once never touches the timer
 * wheel: the deadline's timer is registered only on the first poll that finds the inner future
 * pending. The timer does not spend the cooperative budget (the inner future did), so a timeout still
 * fires around an inner future that has run its task out of budget.
 *
 * <p><b>Cancel safety:</b> as cancel-safe as the inner future: cancelling the timeout cancels it.
 *
 * <p>Cost: one object; on the first pending poll, a timer (see {@link Sleep}).
 */
public final class Timeout<T> implements Future<T> {
    private final Future<T> inner;
    private final Sleep deadline;
    private final Duration duration;

    Timeout(Future<T> inner, Sleep deadline, Duration duration) {
        this.inner = Objects.requireNonNull(inner, "future");
        this.deadline = deadline;
        this.duration = duration;
    }

    /** {@code future} limited to {@code duration} from now (on the runtime it is made in; see {@link Sleep}). */
    public static <T> Timeout<T> after(Duration duration, Future<T> future) {
        return new Timeout<>(future, Sleep.after(duration), duration);
    }

    /** {@code future} limited until {@code deadline}. */
    public static <T> Timeout<T> until(Instant deadline, Future<T> future) {
        return new Timeout<>(future, Sleep.until(deadline), null);
    }

    /** Whether the calling thread runs in a runtime, whose timers a timeout made here would use. */
    public static boolean isAvailable() {
        return Clock.ofCurrentRuntime() != null;
    }

    @Override
    public Object poll(Context cx) {
        Object r = inner.poll(cx);
        if (r != PENDING) {
            deadline.cancel(); // nothing to do unless the timer was registered by an earlier poll
            return r;
        }
        if (deadline.pollDeadline(cx) == PENDING) {
            return PENDING;
        }
        ElapsedException elapsed = new ElapsedException(duration != null
                ? "timed out: the future did not complete within " + ElapsedException.describe(duration)
                + " and was cancelled"
                : "timed out: the future did not complete by its deadline and was cancelled", duration);
        try {
            inner.cancel();
        } catch (Throwable t) {
            elapsed.addSuppressed(t); // its cleanup failed: reported with the timeout, never swallowed
        }
        throw elapsed;
    }

    @Override
    public void cancel() {
        deadline.cancel();
        inner.cancel();
    }
}
