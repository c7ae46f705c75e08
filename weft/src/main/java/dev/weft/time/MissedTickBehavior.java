package dev.weft.time;

/**
 * What an {@link Interval} does when ticks were missed: when its owner was busy (or its task could
 * not run) for longer than a period, so that one or more deadlines passed unobserved. As in Tokio, a
 * tick counts as missed once it is more than 5 ms late.
 *
 * <p>With a 10 ms period and ticks due at 10, 20, 30, 40 ms, where the owner next looks at 35 ms:
 * <ul>
 *   <li>{@link #BURST}: ticks 20 and 30 are delivered at once, then 40, 50 on schedule;
 *   <li>{@link #DELAY}: one tick at 35, then every 10 ms from there: 45, 55;
 *   <li>{@link #SKIP}: one tick at 35, then back on the original grid: 40, 50.
 * </ul>
 */
public enum MissedTickBehavior {
    /** Catch up: deliver the missed ticks as fast as they are asked for (the default). */
    BURST,
    /** Start a new schedule a whole period after the late tick. */
    DELAY,
    /** Drop the missed ticks and continue at the next deadline of the original schedule. */
    SKIP;

    /** The deadline after a tick due at {@code due} was seen at {@code now} (more than 5 ms late). */
    long next(long due, long now, long period) {
        return switch (this) {
            case BURST -> Clock.saturatedAdd(due, period);
            case DELAY -> Clock.saturatedAdd(now, period);
            case SKIP -> Clock.saturatedAdd(now, period - (now - due) % period);
        };
    }
}
