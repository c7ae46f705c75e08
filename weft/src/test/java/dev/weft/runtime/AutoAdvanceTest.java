package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import dev.weft.time.Instant;
import dev.weft.time.TimeDriver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What "idle" means for a paused clock's auto-advance on the multi-thread runtime: every worker waits
 * for work, no task is queued, the blocking pool is empty, and some thread waits in {@code blockOn}
 * while none runs its future there. Each test has a thread waiting in {@code blockOn} for a sleeper,
 * holds one of the other conditions busy, turns auto-advance on, waits until a worker has looked at the
 * clock (its park count moves: it parks only after the look), and checks that the clock stood still.
 */
class AutoAdvanceTest {

    private static long totalParks(Runtime rt) {
        return rt.handle().workers().stream().mapToLong(WorkerInfo::parks).sum();
    }

    /** Turns auto-advance on and returns once some worker has decided whether to jump, and parked. */
    private static void enableAutoAdvanceAndWaitForALook(Runtime rt) {
        long parks = totalParks(rt);
        rt.clock().setAutoAdvance(true); // wakes the worker parked in the driver, which looks again
        while (totalParks(rt) == parks) {
            Thread.onSpinWait();
        }
    }

    private static Runtime pausedWithoutAutoAdvance() {
        return Runtime.builder().multiThread().workerThreads(2).startPaused(true).autoAdvance(false).build();
    }

    private static MultiThreadScheduler scheduler(Runtime rt) {
        return (MultiThreadScheduler) rt.handle().scheduler;
    }

    /** A task that sleeps 10 s and returns the virtual time since {@code start} at which it woke. */
    private static JoinHandle<Duration> spawnTenSecondSleeper(Runtime rt, Instant start) {
        return rt.spawn(Weft.async(() -> {
            Weft.sleep(Duration.ofSeconds(10)).await();
            return start.elapsed();
        }));
    }

    /**
     * Spawns a task that sleeps 10 s and reports the virtual time it woke at, and has another thread
     * wait for it in blockOn; returns once the timer is registered, every worker idle and the thread
     * waiting.
     */
    private static CompletableFuture<Duration> sleeperAwaitedElsewhere(Runtime rt, Instant start) {
        JoinHandle<Duration> sleeper = spawnTenSecondSleeper(rt, start);
        CompletableFuture<Duration> result = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                result.complete(rt.blockOn(sleeper));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "blockOn-waiter");
        waiter.setDaemon(true);
        waiter.start();
        TimeDriver driver = (TimeDriver) rt.handle().timeDriver();
        while (driver.pending() < 1 || scheduler(rt).idleWorkers() < 2 || scheduler(rt).waitingRoots() < 1) {
            Thread.onSpinWait();
        }
        return result;
    }

    @Test
    void theClockStandsStillWhileBlockingPoolWorkRuns() throws Exception {
        try (Runtime rt = pausedWithoutAutoAdvance()) {
            Instant start = rt.clock().now();
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            JoinHandle<String> job = rt.handle().spawnBlocking(() -> {
                started.countDown();
                release.await();
                return "done";
            });
            started.await();
            CompletableFuture<Duration> sleeper = sleeperAwaitedElsewhere(rt, start);
            enableAutoAdvanceAndWaitForALook(rt);
            assertThat(rt.clock().now()).as("time moved while blocking work ran").isEqualTo(start);
            release.countDown(); // the pool empties; now the runtime is idle and the clock jumps
            assertThat(rt.blockOn(job)).isEqualTo("done");
            assertThat(sleeper.get(5, TimeUnit.SECONDS)).isEqualTo(Duration.ofSeconds(10));
        }
    }

    @Test
    void theClockStandsStillWhileABlockOnFutureRuns() throws Exception {
        try (Runtime rt = pausedWithoutAutoAdvance()) {
            Instant start = rt.clock().now();
            CompletableFuture<Duration> sleeper = sleeperAwaitedElsewhere(rt, start);
            // This future runs on the calling thread, outside the workers: the runtime is busy meanwhile.
            Instant seen = rt.blockOn(Weft.async(() -> {
                enableAutoAdvanceAndWaitForALook(rt);
                return rt.clock().now();
            }));
            assertThat(seen).as("time moved while a blockOn future ran").isEqualTo(start);
            assertThat(sleeper.get(5, TimeUnit.SECONDS)).isEqualTo(Duration.ofSeconds(10));
        }
    }

    @Test
    void theClockStandsStillWhileAWorkerRunsATask() throws Exception {
        try (Runtime rt = pausedWithoutAutoAdvance()) {
            Instant start = rt.clock().now();
            CompletableFuture<Duration> sleeper = sleeperAwaitedElsewhere(rt, start);
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            JoinHandle<Instant> busy = rt.spawn(Weft.async(() -> {
                running.countDown();
                release.await(); // holds its worker (a test of idleness, not a pattern to copy)
                return rt.clock().now();
            }));
            running.await();
            enableAutoAdvanceAndWaitForALook(rt);
            assertThat(rt.clock().now()).as("time moved while a task ran").isEqualTo(start);
            release.countDown();
            assertThat(rt.blockOn(busy)).isEqualTo(start);
            assertThat(sleeper.get(5, TimeUnit.SECONDS)).isEqualTo(Duration.ofSeconds(10));
        }
    }

    @Test
    void theClockStandsStillWhileNobodyWaitsOnTheRuntime() {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).startPaused(true).build()) {
            Instant start = rt.clock().now();
            JoinHandle<Duration> sleeper = spawnTenSecondSleeper(rt, start);
            TimeDriver driver = (TimeDriver) rt.handle().timeDriver();
            while (driver.pending() < 1 || scheduler(rt).idleWorkers() < 2) {
                Thread.onSpinWait();
            }
            // Idle workers, but no thread in blockOn: a test thread between spawn and blockOn must not
            // find that time jumped meanwhile.
            long parks = totalParks(rt);
            rt.clock().setAutoAdvance(true);
            while (totalParks(rt) == parks) {
                Thread.onSpinWait();
            }
            assertThat(rt.clock().now()).isEqualTo(start);
            assertThat(rt.blockOn(sleeper)).isEqualTo(Duration.ofSeconds(10)); // now someone waits: it jumps
        }
    }
}
