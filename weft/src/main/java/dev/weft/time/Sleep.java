package dev.weft.time;

import dev.weft.Context;
import dev.weft.Coop;
import dev.weft.Future;
import dev.weft.internal.RuntimeServices;
import dev.weft.internal.ThreadContext;
import java.time.Duration;
import java.util.Objects;

/**
 * A future that completes at a deadline: what {@code Weft.sleep} and {@code Weft.sleepUntil} return.
 * Lazy like every future: the timer is registered with the runtime's time driver on the first poll
 * that finds the deadline still ahead, and never if it has passed by then. It completes at the first
 * millisecond tick at or after the deadline, never before it.
 *
 * <p>The deadline of {@code Weft.sleep(d)} is {@code d} from when it is made, on the clock of the
 * runtime it is made in; made outside any runtime (say, for {@code runtime.blockOn(Weft.sleep(d))}),
 * it is {@code d} from its first poll, on the clock of the runtime that polls it.
 *
 * <p><b>Cancel safety:</b> cancel-safe; cancelling it takes its timer out of the wheel. A finished
 * sleep stays finished: polling it again returns at once.
 *
 * <p>Cost: a timer object and a lock-protected O(1) wheel insert on the first pending poll; a volatile
 * read per later poll. Each poll spends one unit of the cooperative budget.
 */
public final class Sleep implements Future<Void> {
    private long deadlineNanos;
    /** For a sleep made outside a runtime, until its first poll fixes the deadline. */
    private long delayNanos;
    private boolean deadlineFixed;
    private boolean done;
    private TimeDriver driver;
    private TimeDriver.Timer timer;

    private Sleep() {
    }

    /** A sleep of {@code duration} (see the class description for when the deadline is taken). */
    public static Sleep after(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        Sleep s = new Sleep();
        Clock clock = Clock.ofCurrentRuntime();
        long delay = Math.max(0, TimeDriver.saturatedNanos(duration));
        if (clock != null) {
            s.fix(Clock.saturatedAdd(clock.nanos(), delay));
        } else {
            s.delayNanos = delay;
        }
        return s;
    }

    /** A sleep until {@code deadline}. */
    public static Sleep until(Instant deadline) {
        Sleep s = new Sleep();
        s.fix(Instant.nanosOf(deadline));
        return s;
    }

    private void fix(long deadline) {
        deadlineNanos = deadline;
        deadlineFixed = true;
    }

    /**
     * The deadline. For a sleep made outside a runtime and not polled yet, now plus its duration on the
     * system clock (its first poll fixes it).
     */
    public Instant deadline() {
        return Instant.ofNanos(deadlineFixed ? deadlineNanos : System.nanoTime() + delayNanos);
    }

    /** Whether the sleep has completed. */
    public boolean isElapsed() {
        return done;
    }

    /**
     * Moves the deadline to {@code deadline}, taking any registered timer out of the wheel; a finished
     * sleep becomes pending again if the new deadline is ahead. For a timeout re-armed in a loop
     * without making a new future.
     */
    public void reset(Instant deadline) {
        long nanos = Instant.nanosOf(deadline);
        cancel();
        timer = null; // a fired timer is dropped too
        done = false;
        fix(nanos);
    }

    @Override
    public Object poll(Context cx) {
        if (done) {
            return null;
        }
        if (!Coop.proceed(cx)) {
            return PENDING;
        }
        Object r = pollDeadline(cx);
        if (r == PENDING) {
            Coop.refund(); // no progress: the unit goes back (a wake-up poll of a pending timer is free)
        }
        return r;
    }

    /** The poll without the budget: for {@link Timeout}, whose inner future spent it. */
    Object pollDeadline(Context cx) {
        if (done) {
            return null;
        }
        TimeDriver.Timer t = timer;
        if (t == null) {
            return registerOrFinish(cx);
        }
        if (t.hasFired()) {
            done = true;
            return null;
        }
        t.setWaker(cx.waker());
        if (t.hasFired()) {
            done = true;
            return null;
        }
        return PENDING;
    }

    private Object registerOrFinish(Context cx) {
        TimeDriver d = driver;
        if (d == null) {
            d = currentDriver();
            driver = d;
        }
        if (!deadlineFixed) {
            fix(Clock.saturatedAdd(d.clock().nanos(), delayNanos));
        }
        if (deadlineNanos - d.clock().nanos() <= 0) {
            done = true; // already past: no timer (a deadline still ahead is rounded up to a tick)
            return null;
        }
        long tick = d.tickFor(deadlineNanos);
        TimeDriver.Timer t = new TimeDriver.Timer();
        t.setWaker(cx.waker());
        if (!d.register(t, tick)) {
            done = true;
            return null;
        }
        timer = t;
        return PENDING;
    }

    /**
     * Takes the timer out of the wheel. The sleep may be polled again later: it then registers anew,
     * for the same deadline.
     */
    @Override
    public void cancel() {
        TimeDriver.Timer t = timer;
        if (t != null && !t.hasFired()) {
            driver.cancel(t);
            timer = null;
        }
    }

    /** The driver of the runtime that first polled this sleep, or null before the first poll. */
    TimeDriver driver() {
        return driver;
    }

    static TimeDriver currentDriver() {
        if (ThreadContext.current().runtime instanceof RuntimeServices services
                && services.timeDriver() instanceof TimeDriver d) {
            return d;
        }
        throw new IllegalStateException("A Weft timer was polled outside a Weft runtime (thread '"
                + Thread.currentThread().getName() + "'). Timers belong to a runtime's time driver: await it in"
                + " a task or run it with runtime.blockOn(...).");
    }

    @Override
    public String toString() {
        return "Sleep[" + (done ? "elapsed" : timer != null ? "registered" : "not registered") + "]";
    }
}
