package dev.weft.runtime;

import java.time.Duration;

/**
 * A snapshot of one task: what {@link Handle#tasks()} returns. Counters are read without locking, so a
 * snapshot of a running task may be a poll behind.
 *
 * @param id        the task's id, unique in this JVM
 * @param body      the class of the task's body (for a lambda, its name starts with the enclosing class)
 * @param state     {@code scheduled}, {@code running}, {@code idle} or {@code complete}, with
 *                  {@code , cancelling} while an abort is being delivered
 * @param polls     how many times the task has been polled
 * @param busyNanos time spent inside its polls, estimated: one poll in 16, picked at random, is timed
 *                  and counted 16 times, so a task with few polls may show 0 or a multiple of its real
 *                  time; over hundreds of polls the estimate converges
 * @param wakes     how many times its waker was called
 */
public record TaskInfo(long id, String body, String state, long polls, long busyNanos, long wakes) {
    /** {@link #busyNanos()} as a duration. */
    public Duration busy() {
        return Duration.ofNanos(busyNanos);
    }
}
