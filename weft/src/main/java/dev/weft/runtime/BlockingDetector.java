package dev.weft.runtime;

import dev.weft.internal.JfrEvents;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The watchdog of a multi-thread runtime: a daemon thread of its own that looks at every worker four
 * times per threshold. A worker that is not idle and whose poll count has not moved for the threshold
 * is inside one poll that long: the task is blocking it. The watchdog then reports the task and the
 * worker's live stack, once per such poll.
 *
 * <p>Cost on the workers: none beyond what they already do (a poll counter, and the current task in a
 * plain field); the watchdog reads both without synchronizing, so a report can be a tick late.
 */
final class BlockingDetector implements Runnable {
    private static final System.Logger LOG = System.getLogger("dev.weft.runtime");

    private final MultiThreadScheduler scheduler;
    private final long thresholdNanos;
    private final Consumer<BlockingReport> onBlocking;
    /** Per worker: the poll count last seen, when it was first seen, and the poll last reported. */
    private final long[] lastPolls;
    private final long[] sinceNanos;
    private final long[] reported;
    /** The last {@value #RECENT} reports, oldest first, for observers (the console); guarded by itself. */
    private final ArrayDeque<BlockingReport> recent = new ArrayDeque<>();
    static final int RECENT = 64;
    private volatile long reportCount;

    BlockingDetector(MultiThreadScheduler scheduler, Duration threshold, Consumer<BlockingReport> onBlocking) {
        this.scheduler = scheduler;
        this.thresholdNanos = threshold.toNanos();
        this.onBlocking = onBlocking;
        int n = scheduler.workers.length;
        this.lastPolls = new long[n];
        this.sinceNanos = new long[n];
        this.reported = new long[n];
        java.util.Arrays.fill(reported, -1);
    }

    @Override
    public void run() {
        long tick = Math.max(1_000_000, thresholdNanos / 4);
        while (!scheduler.isStopped()) {
            LockSupport.parkNanos(tick);
            check(System.nanoTime());
        }
    }

    /** One look at every worker at time {@code now}. */
    void check(long now) {
        Worker[] workers = scheduler.workers;
        for (int i = 0; i < workers.length; i++) {
            Worker w = workers[i];
            long polls = w.pollsSeen();
            if (polls != lastPolls[i] || w.isIdle()) {
                lastPolls[i] = polls;
                sinceNanos[i] = now;
                continue;
            }
            long stuck = now - sinceNanos[i];
            if (stuck >= thresholdNanos && reported[i] != polls) {
                reported[i] = polls;
                Task<?> task = w.currentTask();
                Thread thread = w.thread;
                if (task != null && thread != null) {
                    Thread.State state = thread.getState();
                    report(new BlockingReport(thread.getName(), i, polls, task.info(), Duration.ofNanos(stuck),
                            List.of(thread.getStackTrace()), state));
                }
            }
        }
    }

    private void report(BlockingReport r) {
        synchronized (recent) {
            if (recent.size() == RECENT) {
                recent.removeFirst();
            }
            recent.addLast(r);
        }
        reportCount++; // the watchdog thread is the only writer
        JfrEvents.BlockingDetected event = new JfrEvents.BlockingDetected();
        if (event.shouldCommit()) {
            event.taskId = r.task().id();
            event.body = r.task().body();
            event.worker = r.worker();
            event.blockedFor = r.blockedFor().toNanos();
            StringBuilder stack = new StringBuilder();
            r.workerStack().forEach(e -> stack.append(e).append('\n'));
            event.workerStack = stack.toString();
            event.commit();
        }
        try {
            onBlocking.accept(r);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "the blocking handler of runtime '" + scheduler.handle.name()
                    + "' threw", t);
        }
    }

    /** The most recent reports, oldest first (at most {@value #RECENT}). */
    List<BlockingReport> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /** How many reports this watchdog has made. */
    long reportCount() {
        return reportCount;
    }

    /** The default handler: a warning with the worker's stack. */
    static void log(BlockingReport r) {
        LOG.log(System.Logger.Level.WARNING, r.toString());
    }
}
