package dev.weft.time;

import java.time.Duration;
import java.util.Objects;

/**
 * A point on a runtime's monotonic {@link Clock}: what {@code Weft.sleepUntil} and intervals take, and
 * what {@link #now()} gives. Like {@code System.nanoTime()}, and unlike {@link java.time.Instant}, it
 * is not a date: it only compares with and measures from other instants of the same clock. Inside a
 * runtime with a paused clock it follows that clock, so durations measured in a test are virtual time.
 *
 * <p>Immutable; compares, equals and hashes by its position on the clock.
 */
public final class Instant implements Comparable<Instant> {
    private final long nanos;

    Instant(long nanos) {
        this.nanos = nanos;
    }

    /**
     * Now, on the clock of the runtime the calling thread runs (its tasks, its {@code blockOn}, its
     * blocking-pool threads); outside any runtime, on the system's monotonic clock.
     */
    public static Instant now() {
        return new Instant(Clock.currentNanos());
    }

    /** The position on the clock's scale ({@code System.nanoTime()} plus any time skipped while paused). */
    long nanos() {
        return nanos;
    }

    /** This instant moved forward by {@code duration} (saturating far in the future). */
    public Instant plus(Duration duration) {
        return new Instant(Clock.saturatedAdd(nanos, TimeDriver.saturatedNanos(duration)));
    }

    /** This instant moved back by {@code duration}. */
    public Instant minus(Duration duration) {
        return new Instant(nanos - TimeDriver.saturatedNanos(duration));
    }

    /** The time from {@code earlier} to this instant; zero if {@code earlier} is in fact later. */
    public Duration durationSince(Instant earlier) {
        return Duration.ofNanos(Math.max(0, nanos - earlier.nanos));
    }

    /** The time since this instant, by {@link #now()}; zero if it is in the future. */
    public Duration elapsed() {
        return now().durationSince(this);
    }

    /** Whether this instant is before {@code other}. */
    public boolean isBefore(Instant other) {
        return nanos - other.nanos < 0;
    }

    /** Whether this instant is after {@code other}. */
    public boolean isAfter(Instant other) {
        return nanos - other.nanos > 0;
    }

    @Override
    public int compareTo(Instant other) {
        return Long.signum(nanos - other.nanos);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Instant other && other.nanos == nanos;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(nanos);
    }

    @Override
    public String toString() {
        return "Instant[" + nanos + " ns]";
    }

    static Instant ofNanos(long nanos) {
        return new Instant(nanos);
    }

    /** Null-checking accessor for other classes of this package. */
    static long nanosOf(Instant instant) {
        return Objects.requireNonNull(instant, "instant").nanos;
    }
}
