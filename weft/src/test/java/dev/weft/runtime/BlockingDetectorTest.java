package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The watchdog that reports a task blocking its worker, while it happens, once per poll. */
class BlockingDetectorTest {
    private static Runtime runtime(String name, Queue<BlockingReport> reports, CountDownLatch first) {
        return Runtime.builder().multiThread().workerThreads(2).name(name)
                .onBlocking(r -> {
                    reports.add(r);
                    first.countDown();
                })
                .build();
    }

    @Test
    void aTaskSleepingOnAWorkerIsReportedOnceWhileItSleepsWithTheWorkersStack() throws Exception {
        Queue<BlockingReport> reports = new ConcurrentLinkedQueue<>();
        CountDownLatch reported = new CountDownLatch(1);
        try (Runtime rt = runtime("blocker", reports, reported)) {
            // First both workers poll something, so the idle one also has a last task: it must still
            // not be reported while it is idle.
            MultiThreadScheduler scheduler = (MultiThreadScheduler) rt.handle().scheduler;
            while (scheduler.workers[0].currentTask() == null || scheduler.workers[1].currentTask() == null) {
                rt.blockOn(rt.spawn(Weft.async(() -> {
                    List<JoinHandle<Void>> hs = new ArrayList<>();
                    for (int i = 0; i < 16; i++) {
                        hs.add(Weft.spawn(() -> Weft.yieldNow().await()));
                    }
                    for (JoinHandle<Void> h : hs) {
                        h.await();
                    }
                })));
            }
            CountDownLatch sawReportWhileSleeping = new CountDownLatch(1);
            JoinHandle<Long> sleeper = rt.spawn(Weft.async(() -> {
                long start = System.nanoTime();
                Thread.sleep(500); // the mistake the detector exists for
                return System.nanoTime() - start;
            }));
            assertThat(reported.await(5, TimeUnit.SECONDS)).as("a report within 5 s").isTrue();
            if (!sleeper.isFinished()) {
                sawReportWhileSleeping.countDown();
            }
            rt.blockOn(sleeper);

            assertThat(sawReportWhileSleeping.getCount()).as("reported while the poll still ran").isZero();
            assertThat(reports).as("one report for one blocking poll").hasSize(1);
            BlockingReport r = reports.peek();
            assertThat(r.worker()).startsWith("blocker-worker-");
            assertThat(r.task().body()).startsWith(BlockingDetectorTest.class.getName());
            assertThat(r.blockedFor()).isGreaterThanOrEqualTo(Duration.ofMillis(Runtime.Builder.DEFAULT_BLOCKING_THRESHOLD_MILLIS));
            assertThat(r.workerStack()).anySatisfy(f -> {
                assertThat(f.getClassName()).isEqualTo("java.lang.Thread");
                assertThat(f.getMethodName()).startsWith("sleep");
            });
            assertThat(r.toString()).contains("has blocked worker blocker-worker-").contains("Weft.spawnBlocking")
                    .contains("java.lang.Thread.sleep(");
        }
    }

    @Test
    void aWellBehavedLoadRaisesNoReport() throws Exception {
        Queue<BlockingReport> reports = new ConcurrentLinkedQueue<>();
        try (Runtime rt = runtime("polite", reports, new CountDownLatch(1))) {
            // Busy for a few hundred milliseconds, in short polls: 64 tasks yield 20,000 times each, and
            // a blocking call goes where blocking belongs.
            rt.blockOn(rt.spawn(Weft.async(() -> {
                List<JoinHandle<Void>> hs = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    hs.add(Weft.spawn(() -> {
                        for (int r = 0; r < 20_000; r++) {
                            Weft.yieldNow().await();
                        }
                    }));
                }
                Weft.blockInPlace(() -> {
                    Thread.sleep(300);
                    return null;
                });
                for (JoinHandle<Void> h : hs) {
                    h.await();
                }
            })));
            assertThat(reports).as("reports under a cooperative load").isEmpty();
        }
    }

    @Test
    void theWatchdogReportsABlockedWorkerOnceAtTheThreshold() throws Exception {
        // The watchdog's judgement alone, with times made up by the test: a worker is blocked when it is
        // not idle and its poll count has not moved for the threshold. (That idle workers are never
        // reported is checked in real time by aWellBehavedLoadRaisesNoReport.)
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("judged")
                .blockingThreshold(Duration.ZERO).build()) {
            MultiThreadScheduler scheduler = (MultiThreadScheduler) rt.handle().scheduler;
            List<BlockingReport> reports = new ArrayList<>();
            BlockingDetector detector = new BlockingDetector(scheduler, Duration.ofMillis(100), reports::add);
            // Both workers run a task and go idle; then a look with the clock made up, to start from.
            rt.blockOn(rt.spawn(Weft.async(() -> Weft.spawn(() -> 1).await())));
            for (Worker w : scheduler.workers) {
                while (!w.isParkedWithNoWakePending()) {
                    Thread.onSpinWait();
                }
            }
            long t0 = System.nanoTime();
            detector.check(t0);
            assertThat(reports).isEmpty();

            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Thread> worker = new AtomicReference<>();
            JoinHandle<Void> blocker = rt.spawn(Weft.async(() -> {
                worker.set(Thread.currentThread());
                release.await(); // blocks its worker until the test lets go
            }));
            // Until the worker is parked inside release.await(), so its live stack shows that call.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (worker.get() == null || worker.get().getState() != Thread.State.WAITING) {
                assertThat(System.nanoTime()).as("the blocker waits within 5 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
            // The other worker may wake when the blocker is spawned, find nothing and park again; each
            // look waits for it to be parked, for the same reason as above.
            Worker other = scheduler.workers[0].thread == worker.get() ? scheduler.workers[1] : scheduler.workers[0];
            long t1 = t0 + 1_000_000_000L;
            long[] looks = {0, 50, 100, 150, 400};
            for (long ms : looks) {
                while (!other.isParkedWithNoWakePending()) {
                    Thread.onSpinWait();
                }
                detector.check(t1 + ms * 1_000_000L);
                if (ms == 50) {
                    assertThat(reports).as("before the threshold").isEmpty();
                }
            }
            assertThat(reports).as("once per blocking poll").hasSize(1);
            assertThat(reports.get(0).blockedFor()).isEqualTo(Duration.ofMillis(100));
            assertThat(reports.get(0).workerStack()).anySatisfy(f -> assertThat(f.getMethodName()).isEqualTo("await"));
            release.countDown();
            rt.blockOn(blocker);
        }
    }

    @Test
    void aZeroThresholdStartsNoWatchdog() {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).name("nowatch")
                .blockingThreshold(Duration.ZERO).build()) {
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("nowatch-watchdog"));
            assertThat(rt.blockOn(rt.spawn(Weft.async(() -> 42)))).isEqualTo(42);
        }
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).name("watch").build()) {
            assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().equals("watch-watchdog"));
        }
        assertThatThrownBy(() -> Runtime.builder().blockingThreshold(Duration.ofNanos(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 ms");
    }
}
