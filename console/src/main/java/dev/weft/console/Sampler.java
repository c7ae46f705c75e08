package dev.weft.console;

import dev.weft.console.Sample.SeenReport;
import dev.weft.runtime.BlockingReport;
import dev.weft.runtime.Handle;
import dev.weft.runtime.RuntimeMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Takes a {@link Sample} of the runtime every interval, on a daemon thread of its own, and keeps the
 * last few: the earlier side of the window over which {@link Lints} judges changes ("one-task"). It
 * also remembers when it first saw each blocking report, and when it last saw each one still going
 * on, since reports carry no time of their own.
 *
 * <p>Everything it calls on the runtime ({@code tasks()}, {@code metrics()}, {@code blockingReports()})
 * takes only short locks that no worker holds while it polls a task, so a sample is taken even while
 * every worker is blocked.
 *
 * <p>Thread safety: the sampler thread and the console's HTTP threads both call {@link #sampleNow()};
 * the history and the report times are guarded by {@code this}.
 */
final class Sampler implements AutoCloseable {
    private final Handle handle;
    private final long intervalNanos;
    private final long windowNanos;
    private final Thread thread;
    private volatile boolean closed;

    /** Samples of the last two windows, oldest first. Guarded by this. */
    private final ArrayDeque<Sample> history = new ArrayDeque<>();
    /** Per report (by identity): {first seen, last seen ongoing}. Guarded by this. */
    private final Map<BlockingReport, long[]> seen = new IdentityHashMap<>();

    /**
     * @param intervalNanos how often to sample
     * @param windowNanos   how far back the earlier sample of a window should be
     */
    Sampler(Handle handle, long intervalNanos, long windowNanos) {
        this.handle = handle;
        this.intervalNanos = intervalNanos;
        this.windowNanos = windowNanos;
        this.thread = new Thread(this::run, "weft-console-sampler-" + handle.name());
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        boolean logged = false;
        while (!closed) {
            try {
                Sample s = sampleNow();
                synchronized (this) {
                    history.addLast(s);
                    while (history.size() > 2 && s.atNanos() - history.peekFirst().atNanos() > 2 * windowNanos) {
                        history.removeFirst();
                    }
                }
            } catch (RuntimeException e) {
                if (!logged) { // once: a sampler that fails every tick would flood the log
                    logged = true;
                    System.getLogger("dev.weft.console").log(System.Logger.Level.WARNING, "the console's sampler"
                            + " failed to read runtime '" + handle.name() + "'; the one-task lint is off", e);
                }
            }
            LockSupport.parkNanos(intervalNanos);
        }
    }

    /** A fresh sample of the runtime, with the report times brought up to date. */
    Sample sampleNow() {
        RuntimeMetrics metrics = handle.metrics();
        List<BlockingReport> reports = handle.blockingReports();
        var tasks = handle.tasks();
        long now = System.nanoTime();
        List<SeenReport> seenReports = new ArrayList<>(reports.size());
        synchronized (this) {
            Map<BlockingReport, long[]> keep = new IdentityHashMap<>();
            for (BlockingReport r : reports) {
                long[] times = seen.get(r);
                if (times == null) {
                    times = new long[] {now, now};
                }
                SeenReport probe = new SeenReport(r, times[0], times[1]);
                if (probe.ongoingIn(metrics)) {
                    times[1] = Math.max(times[1], now);
                }
                keep.put(r, times);
                seenReports.add(new SeenReport(r, times[0], times[1]));
            }
            seen.clear();
            seen.putAll(keep); // reports the watchdog has let go of are forgotten here too
        }
        return new Sample(now, tasks, metrics, seenReports);
    }

    /**
     * The sample to judge {@code now} against: the newest one at least a window older, or, while the
     * sampler has not run that long, the oldest it has (null if none).
     */
    synchronized Sample earlierThan(Sample now) {
        Sample pick = null;
        for (Sample s : history) {
            if (s.atNanos() >= now.atNanos()) {
                break;
            }
            if (pick == null || now.atNanos() - s.atNanos() >= windowNanos) {
                pick = s;
            }
        }
        return pick;
    }

    /** The warnings for the runtime now. */
    List<Lints.Warning> lints(Sample now) {
        return Lints.check(earlierThan(now), now);
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
