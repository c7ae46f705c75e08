package dev.weft.console;

import dev.weft.runtime.BlockingReport;
import dev.weft.runtime.RuntimeMetrics;
import dev.weft.runtime.TaskInfo;
import dev.weft.runtime.WorkerInfo;
import java.util.List;

/**
 * What the console knows about a runtime at one instant: its live tasks, its counters and the
 * watchdog's recent blocking reports. {@link Lints} judges two of these; the {@link Sampler} takes them.
 *
 * @param atNanos  when it was taken ({@code System.nanoTime()})
 * @param tasks    {@code Handle.tasks()}
 * @param metrics  {@code Handle.metrics()}
 * @param reports  {@code Handle.blockingReports()}, each with when the console first saw it
 */
record Sample(long atNanos, List<TaskInfo> tasks, RuntimeMetrics metrics, List<SeenReport> reports) {
    Sample {
        tasks = List.copyOf(tasks);
        reports = List.copyOf(reports);
    }

    /**
     * A blocking report and what the console has seen of it: reports carry no time of their own.
     *
     * @param report           the watchdog's report
     * @param firstSeenNanos   when the console first saw it
     * @param lastOngoingNanos the last time the console saw its episode still going on
     */
    record SeenReport(BlockingReport report, long firstSeenNanos, long lastOngoingNanos) {
        /**
         * Whether the poll it reports is still running in {@code metrics}: that worker has not counted
         * another poll since and is still on the same task.
         */
        boolean ongoingIn(RuntimeMetrics metrics) {
            int i = report.workerIndex();
            if (i < 0 || i >= metrics.workers().size()) {
                return false;
            }
            WorkerInfo w = metrics.workers().get(i);
            return !w.idle() && w.polls() == report.poll() && w.currentTaskId() == report.task().id();
        }

        /**
         * How long the poll has held (or held) its worker, as far as the console can tell: the
         * watchdog's figure, plus the time the console saw it go on since. A lower bound.
         */
        long blockedForNanos(long nowNanos, boolean ongoing) {
            long seenSince = (ongoing ? nowNanos : lastOngoingNanos) - firstSeenNanos;
            return report.blockedFor().toNanos() + Math.max(0, seenSince);
        }
    }
}
