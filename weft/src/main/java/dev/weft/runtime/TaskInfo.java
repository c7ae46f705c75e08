package dev.weft.runtime;

import dev.weft.trace.Span;
import java.time.Duration;
import java.util.Optional;

/**
 * A snapshot of one task's stats: what {@link Handle#tasks()} returns and the console shows. Counters
 * are read without locking, so a snapshot of a running task may be a poll behind.
 *
 * <p>Times are estimates made by sampling (one poll, and one scheduling, in 16 is timed, chosen at
 * random, and counts 16 times), so a task with few polls may show 0 or a multiple of its real time;
 * over hundreds of polls they converge. They are all zero when the JVM runs with
 * {@code -Dweft.taskStats=false}.
 *
 * @param id             the task's id, unique in this JVM
 * @param name           the name given at spawn ({@link Handle#spawn(String, dev.weft.Future)}), or null
 * @param body           the class of the task's body (for a lambda, its name starts with the enclosing class)
 * @param site           where it was spawned: body, source line if captured, and its spawning tasks
 * @param state          {@code scheduled}, {@code running}, {@code idle} or {@code complete}, with
 *                       {@code , cancelling} while an abort is being delivered
 * @param polls          how many times the task has been polled
 * @param busyNanos      time spent inside its polls
 * @param scheduledNanos time spent woken and queued, waiting for a thread to poll it
 * @param idleNanos      time spent waiting for a wake: its age less busy and scheduled time
 * @param ageNanos       time since it was spawned; for a task spawned from a thread that runs no
 *                       runtime's tasks, mostly since its first poll (0 before it): such a spawn
 *                       reads no clock
 * @param wakes          how many times its waker was called
 * @param selfWakes      how many of those came from inside its own poll (yields, mostly)
 * @param lostWaker      idle after a poll that returned pending without asking for its waker and was
 *                       not woken: nothing can wake it, so it will never run again (a bug in a hand-written
 *                       future)
 * @param span           the span it runs in, or null
 * @param pollTimes      a histogram of the sampled polls' durations: element i counts polls that took
 *                       [2<sup>i-1</sup>, 2<sup>i</sup>) µs, element 0 those under 1 µs, the last one all
 *                       longer; empty until a poll was sampled. Raw sample counts (about one poll in 64)
 */
public record TaskInfo(long id, String name, String body, SpawnSite site, String state, long polls, long busyNanos,
                       long scheduledNanos, long idleNanos, long ageNanos, long wakes, long selfWakes,
                       boolean lostWaker, Span span, int[] pollTimes) {
    /** {@link #busyNanos()} as a duration. */
    public Duration busy() {
        return Duration.ofNanos(busyNanos);
    }

    /** The span, if the task runs in one. */
    public Optional<Span> spanIfAny() {
        return Optional.ofNullable(span);
    }

    /** The name if it has one, else the body's class in a readable form. */
    public String displayName() {
        return name != null ? name : SpawnSite.describeBody(site.body());
    }
}
