package dev.weft.runtime;

import java.time.Duration;
import java.util.List;

/**
 * A task caught blocking its worker: one poll has run for longer than the runtime's
 * {@linkplain Runtime.Builder#blockingThreshold blocking threshold}. Made by the runtime's watchdog
 * while the poll is still running, once per such poll. The worker's live stack shows what the task is
 * doing instead of returning to the scheduler ({@code Thread.sleep}, a lock, a blocking read...).
 *
 * @param worker       the name of the worker thread that is blocked
 * @param workerIndex  that worker's index ({@link WorkerInfo#index()})
 * @param poll         the worker's poll count during the blocking poll: while {@link WorkerInfo#polls()}
 *                     still equals it and the worker is not {@linkplain WorkerInfo#idle() idle}, the
 *                     episode is going on ({@link #isOngoing(WorkerInfo)})
 * @param task         the task whose poll it is running: its name, spawn site and span
 * @param blockedFor   how long the poll had run when the watchdog saw it (a lower bound)
 * @param workerStack  the worker thread's stack at that moment, innermost frame first
 * @param workerState  the worker thread's state just before its stack was taken: {@code TIMED_WAITING},
 *                     {@code WAITING} or {@code BLOCKED} when it waits (a sleep, a lock, a monitor),
 *                     {@code RUNNABLE} when it computes or is inside a native call such as a blocking read
 */
public record BlockingReport(String worker, int workerIndex, long poll, TaskInfo task, Duration blockedFor,
                             List<StackTraceElement> workerStack, Thread.State workerState) {
    public BlockingReport {
        workerStack = List.copyOf(workerStack);
    }

    /** Whether the reported poll is still running, judged from a later snapshot of its worker. */
    public boolean isOngoing(WorkerInfo now) {
        return now.index() == workerIndex && now.polls() == poll && !now.idle() && now.currentTaskId() == task.id();
    }

    /** The report as a sentence and a stack, as it is logged by default. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(task.site().describe());
        if (task.span() != null) {
            sb.append(" in span ").append(task.span());
        }
        sb.append(" has blocked worker ")
                .append(worker).append(" for ").append(blockedFor.toMillis()).append(" ms: a poll must return"
                        + " quickly; move blocking calls to Weft.spawnBlocking or wrap them in Weft.blockInPlace."
                        + " The worker is at:");
        for (StackTraceElement e : workerStack) {
            sb.append("\n    at ").append(e);
        }
        return sb.toString();
    }
}
