package dev.weft.time;

import dev.weft.Context;
import dev.weft.Future;
import java.time.Duration;
import java.util.Objects;

/**
 * Ticks at a fixed period: what {@code Weft.interval} returns. The first tick completes at once (at
 * the start), then one every period. Unlike a loop of sleeps, the schedule does not drift by the time
 * the loop body takes; what happens when the body takes longer than a period is set by
 * {@link MissedTickBehavior} ({@link MissedTickBehavior#BURST} unless changed).
 *
 * <pre>{@code
 * Interval every = Weft.interval(Duration.ofSeconds(1));
 * while (true) {
 *     every.tick().await();
 *     report();
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one task at a time uses it, as with any future.
 *
 * <p><b>Cancel safety:</b> {@link #tick()} is cancel-safe: a tick future dropped before it completes
 * uses up no tick, so the next {@code tick()} returns it. That makes it a good arm of a select loop.
 */
public final class Interval {
    private static final long MISSED_AFTER_NANOS = 5_000_000;

    private final long periodNanos;
    private final Sleep next;
    private MissedTickBehavior behavior = MissedTickBehavior.BURST;

    private Interval(Sleep first, long periodNanos) {
        this.next = first;
        this.periodNanos = periodNanos;
    }

    /**
     * An interval whose first tick is now (on the runtime it is made in; made outside a runtime, at
     * its first poll) and then every {@code period}.
     *
     * @throws IllegalArgumentException if {@code period} is zero or negative
     */
    public static Interval every(Duration period) {
        return new Interval(Sleep.after(Duration.ZERO), checkedPeriod(period));
    }

    /** An interval whose first tick is at {@code start}, then every {@code period}. */
    public static Interval startingAt(Instant start, Duration period) {
        return new Interval(Sleep.until(start), checkedPeriod(period));
    }

    private static long checkedPeriod(Duration period) {
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("an interval's period must be positive, got " + period);
        }
        return TimeDriver.saturatedNanos(period);
    }

    /** The period. */
    public Duration period() {
        return Duration.ofNanos(periodNanos);
    }

    /** What happens to missed ticks. */
    public MissedTickBehavior missedTickBehavior() {
        return behavior;
    }

    /** Sets what happens to missed ticks, from the next tick on. */
    public void setMissedTickBehavior(MissedTickBehavior behavior) {
        this.behavior = Objects.requireNonNull(behavior, "behavior");
    }

    /**
     * The next tick: a future that completes with the instant the tick was scheduled for (not the
     * moment it was observed, which may be later). Cancel-safe; each poll spends one unit of the
     * cooperative budget.
     */
    public Future<Instant> tick() {
        return new Tick();
    }

    /** Starts the schedule again: the next tick is one period from now. */
    public void reset() {
        TimeDriver d = next.driver();
        long now = d != null ? d.clock().nanos() : Clock.currentNanos();
        next.reset(Instant.ofNanos(Clock.saturatedAdd(now, periodNanos)));
    }

    private final class Tick implements Future<Instant> {
        @Override
        public Object poll(Context cx) {
            if (next.poll(cx) == PENDING) {
                return PENDING;
            }
            long due = next.deadline().nanos();
            long now = next.driver().clock().nanos();
            long following = now - due > MISSED_AFTER_NANOS ? behavior.next(due, now, periodNanos)
                    : Clock.saturatedAdd(due, periodNanos);
            next.reset(Instant.ofNanos(following));
            return Instant.ofNanos(due);
        }

        @Override
        public void cancel() {
            next.cancel(); // no tick used up; the next tick() registers again
        }
    }

    @Override
    public String toString() {
        return "Interval[every " + ElapsedException.describe(period()) + ", " + behavior + "]";
    }
}
