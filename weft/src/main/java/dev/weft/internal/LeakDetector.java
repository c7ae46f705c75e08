package dev.weft.internal;

import java.lang.ref.Cleaner;
import java.util.Locale;

/**
 * Reports a started async block that became unreachable before it finished or was cancelled: its
 * {@code finally} blocks never ran (DESIGN.md section 2, "Abandoned blocks").
 *
 * <p>A {@link Cleaner} watches the block; the cleaning action holds only a small {@link Tracker}, never
 * the block, so it does not keep the block alive. Registering costs an allocation and a lock in the
 * Cleaner, so by default one started block in {@value #SAMPLE_EVERY} per thread is tracked. With
 * {@code -Dweft.leakDetection=all} every started block is tracked and the report includes where it was
 * started; {@code off} disables tracking. Reports go to the {@code System.Logger} named
 * {@value #LOGGER} at WARNING.
 */
final class LeakDetector {
    static final String LOGGER = "dev.weft.leak";
    static final int SAMPLE_EVERY = 128;

    private enum Mode { OFF, SAMPLED, ALL }

    private static final Mode MODE = parseMode(System.getProperty("weft.leakDetection", "sampled"));

    private LeakDetector() {
    }

    private static Mode parseMode(String value) {
        try {
            return Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.getLogger("dev.weft").log(System.Logger.Level.WARNING,
                    "weft.leakDetection=" + value + " is not one of off, sampled, all: using sampled");
            return Mode.SAMPLED;
        }
    }

    /** Starts watching {@code block}, just started; returns null when this one is not sampled. */
    static Tracker track(Object block, Class<?> body, ThreadContext tc) {
        switch (MODE) {
            case OFF:
                return null;
            case SAMPLED:
                if ((tc.leakSamples++ & (SAMPLE_EVERY - 1)) != 0) {
                    return null;
                }
                break;
            case ALL:
                break;
        }
        Throwable startedAt = MODE == Mode.ALL ? new Throwable("the block was started here") : null;
        Tracker tracker = new Tracker(body.getName(), Thread.currentThread().getName(), startedAt);
        tracker.cleanable = WeftCleaner.CLEANER.register(block, tracker);
        return tracker;
    }

    /** The cleaning action; knows only what a report needs. */
    static final class Tracker implements Runnable {
        private final String body;
        private final String homeThread;
        private final Throwable startedAt;
        private volatile boolean finished;
        private Cleaner.Cleanable cleanable;

        private Tracker(String body, String homeThread, Throwable startedAt) {
            this.body = body;
            this.homeThread = homeThread;
            this.startedAt = startedAt;
        }

        /** The block finished or was cancelled: stop watching, report nothing. */
        void finish() {
            finished = true;
            cleanable.clean();
        }

        @Override
        public void run() {
            if (finished) {
                return;
            }
            String message = "An async block (body " + body + ", started on thread " + homeThread
                    + ") became unreachable while suspended: it was never finished nor cancelled, so its"
                    + " finally blocks did not run. A future that owns a started block must cancel() it when"
                    + " it drops it." + (startedAt == null ? " Run with -Dweft.leakDetection=all to see where"
                    + " it was started." : "");
            System.getLogger(LOGGER).log(System.Logger.Level.WARNING, message, startedAt);
        }
    }
}
