package dev.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncBody;
import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.Weft;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A started async block that becomes unreachable before it finished or was cancelled is reported on the
 * {@code dev.weft.leak} logger (DESIGN.md section 2, "Abandoned blocks"): its {@code finally} blocks never
 * ran.
 *
 * <p>Reports come from a {@link java.lang.ref.Cleaner}, so the tests ask for garbage collections until
 * the report they wait for arrives, within a deadline. The default mode tracks one started block in
 * {@value LeakDetector#SAMPLE_EVERY} per thread, starting with the first, so a fresh thread's first block
 * is always tracked; {@code -Dweft.leakDetection=all} is tested in a forked JVM.
 */
class LeakDetectorTest {
    private static final Duration REPORT_DEADLINE = Duration.ofSeconds(10);
    private static final Context NOOP = new Context(Waker.noop());

    @Test
    void aStartedBlockDroppedWithoutCancelIsReportedAsAWarning() throws Exception {
        AsyncBody<Void> waitsForever = () -> {
            Future.never().await();
            return null;
        };
        String body = waitsForever.getClass().getName();

        try (LeakReports reports = LeakReports.capture()) {
            Object firstPoll = CompletableFuture.supplyAsync(() -> Weft.async(waitsForever).poll(NOOP),
                    runnable -> Thread.ofPlatform().name("leaky-thread").start(runnable)).get(10, TimeUnit.SECONDS);
            assertThat(firstPoll).as("the block started and suspended").isSameAs(Future.PENDING);
            // Nothing refers to the block any more: the thread that polled it kept it only in a local.

            LogRecord report = reports.awaitOne(r -> r.getMessage().contains(body));

            assertThat(report.getLevel()).isEqualTo(Level.WARNING);
            assertThat(report.getMessage())
                    .contains("An async block (body " + body + ", started on thread leaky-thread)")
                    .contains("never finished nor cancelled, so its finally blocks did not run")
                    .contains("Run with -Dweft.leakDetection=all to see where it was started");
            assertThat(report.getThrown()).as("the default mode records no stack at start").isNull();
        }
    }

    @Test
    void withLeakDetectionAllOnlyTheLeakedBlockIsReportedWithWhereItStarted() throws Exception {
        ForkedJvm.Result child = ForkedJvm.run(
                ForkedJvm.withContinuations("-Dweft.leakDetection=all"), FinishedCancelledAndLeaked.class);
        assertThat(child.exitCode()).as(child.output()).isZero();

        String leaked = printed(child, "leaked body");
        assertThat(printedLines(child, "report")).as(child.output()).singleElement().asString()
                .contains("An async block (body " + leaked + ", started on thread main)")
                .doesNotContain("Run with -Dweft.leakDetection=all");
        assertThat(printed(child, "started here")).isEqualTo("java.lang.Throwable: the block was started here");
        assertThat(printed(child, "start site is startAndDrop")).isEqualTo("true");
        assertThat(child.output()).doesNotContain("the leaked block's finally ran");
    }

    /** What the child printed after {@code label}, on each line that starts with it. */
    private static List<String> printedLines(ForkedJvm.Result child, String label) {
        return child.output().lines().filter(l -> l.startsWith(label + ": ")).map(l -> l.substring(label.length() + 2))
                .toList();
    }

    /** What the child printed after {@code label}, on the one line that starts with it. */
    private static String printed(ForkedJvm.Result child, String label) {
        List<String> values = printedLines(child, label);
        assertThat(values).as("'%s' in%n%s", label, child.output()).hasSize(1);
        return values.get(0);
    }

    /**
     * The child: a block that finished and a block that was cancelled are dropped and collected first;
     * then a suspended block is dropped. Only the last may be reported. The first two are collected before
     * the leaked one even starts, so a report of theirs would be due before the leaked one's, which the
     * child waits for.
     */
    static final class FinishedCancelledAndLeaked {
        public static void main(String[] args) throws Exception {
            try (LeakReports reports = LeakReports.capture()) {
                WeakReference<Future<Integer>> finished = new WeakReference<>(finished());
                WeakReference<Future<Void>> cancelled = new WeakReference<>(cancelled());
                collect(finished);
                collect(cancelled);

                AsyncBody<Void> leakedBody = () -> {
                    try {
                        Future.never().await();
                    } finally {
                        System.out.println("the leaked block's finally ran");
                    }
                    return null;
                };
                startAndDrop(leakedBody);
                System.out.println("leaked body: " + leakedBody.getClass().getName());

                LogRecord report = reports.awaitOne(r -> r.getMessage().contains(leakedBody.getClass().getName()));
                Throwable startedAt = report.getThrown();
                System.out.println("started here: " + startedAt);
                System.out.println("start site is startAndDrop: " + List.of(startedAt.getStackTrace()).stream()
                        .anyMatch(f -> f.getClassName().equals(FinishedCancelledAndLeaked.class.getName())
                                && f.getMethodName().equals("startAndDrop")));
                for (LogRecord r : reports.all()) {
                    System.out.println("report: " + r.getMessage());
                }
            }
        }

        private static Future<Integer> finished() {
            Future<Integer> block = Weft.async(() -> {
                Weft.yieldNow().await();
                return 1;
            });
            check(block.poll(NOOP) == Future.PENDING && Integer.valueOf(1).equals(block.poll(NOOP)), "finished");
            return block;
        }

        private static Future<Void> cancelled() {
            Future<Void> block = Weft.async(() -> {
                Future.never().await();
                return null;
            });
            check(block.poll(NOOP) == Future.PENDING, "suspended");
            block.cancel();
            return block;
        }

        private static void startAndDrop(AsyncBody<Void> body) {
            check(Weft.async(body).poll(NOOP) == Future.PENDING, "suspended");
        }

        private static void check(boolean condition, String what) {
            if (!condition) {
                throw new AssertionError("the block has not " + what);
            }
        }

        private static void collect(WeakReference<?> ref) throws InterruptedException {
            long deadline = System.nanoTime() + REPORT_DEADLINE.toNanos();
            while (ref.get() != null) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not collected within " + REPORT_DEADLINE);
                }
                System.gc();
                Thread.onSpinWait();
            }
        }
    }

    /** Captures the records of the {@code dev.weft.leak} logger while open. */
    static final class LeakReports implements AutoCloseable {
        /** Held here so the logger, and the handler on it, outlive the garbage collections the tests ask for. */
        private static final Logger LOG = Logger.getLogger(LeakDetector.LOGGER);

        private final LinkedBlockingQueue<LogRecord> arrived = new LinkedBlockingQueue<>();
        private final List<LogRecord> seen = new ArrayList<>();
        private final Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                arrived.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };

        private LeakReports() {
            LOG.addHandler(handler);
        }

        static LeakReports capture() {
            return new LeakReports();
        }

        /** Asks for garbage collections until a record that {@code wanted} matches arrives. */
        LogRecord awaitOne(Predicate<LogRecord> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + REPORT_DEADLINE.toNanos();
            while (System.nanoTime() < deadline) {
                System.gc();
                for (LogRecord r = arrived.poll(50, TimeUnit.MILLISECONDS); r != null; r = arrived.poll()) {
                    seen.add(r);
                    if (wanted.test(r)) {
                        return r;
                    }
                }
            }
            throw new AssertionError("no matching report within " + REPORT_DEADLINE + "; got "
                    + seen.stream().map(LogRecord::getMessage).toList());
        }

        /** Every record that arrived so far. */
        List<LogRecord> all() {
            arrived.drainTo(seen);
            return seen;
        }

        @Override
        public void close() {
            LOG.removeHandler(handler);
        }
    }
}
