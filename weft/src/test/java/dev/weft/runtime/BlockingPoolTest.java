package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The blocking pool: spawnBlocking, blockInPlace, the thread cap, context on pool threads, shutdown. */
class BlockingPoolTest {

    private static Runtime twoWorkers() {
        return Runtime.builder().multiThread().workerThreads(2).name("bp").build();
    }

    @Test
    void aThousandBlockingCallsRunOnAtMostTheDefault512ThreadsAndTheRestQueue() throws Exception {
        int calls = 1_000;
        int cap = 512;
        CountDownLatch capReached = new CountDownLatch(cap);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostRunning = new AtomicInteger();
        try (Runtime rt = twoWorkers()) {
            List<JoinHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                int value = i;
                handles.add(rt.handle().spawnBlocking(() -> {
                    mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    capReached.countDown();
                    release.await();
                    running.decrementAndGet();
                    return value;
                }));
            }
            assertThat(capReached.await(60, TimeUnit.SECONDS)).as("512 calls started").isTrue();
            // Every pool thread is blocked in a call; the other 488 calls wait in the queue.
            assertThat(running.get()).isEqualTo(cap);
            assertThat(rt.handle().blocking.threads()).isEqualTo(cap);
            release.countDown();
            for (int i = 0; i < calls; i++) {
                assertThat(rt.blockOn(handles.get(i))).isEqualTo(i);
            }
            assertThat(mostRunning.get()).isEqualTo(cap);
            assertThat(rt.handle().blocking.peakThreads()).isEqualTo(cap);
        }
    }

    @Test
    void aBlockingThreadCanSpawnAndBlockOnButAwaitFailsAndSaysWhy() {
        try (Runtime rt = twoWorkers()) {
            String result = rt.blockOn(rt.handle().spawnBlocking(() -> {
                JoinHandle<Integer> spawned = Weft.spawn(Weft.async(() -> 6 * 7));
                int answer = Handle.current().blockOn(spawned);
                String awaitError;
                try {
                    Weft.yieldNow().await();
                    awaitError = "no error";
                } catch (IllegalStateException e) {
                    awaitError = e.getMessage();
                }
                return answer + " | " + Thread.currentThread().getName() + " | " + awaitError;
            }));
            assertThat(result).startsWith("42 | bp-blocking-").contains("a blocking-pool thread")
                    .contains("Handle.current().blockOn(future)");
        }
    }

    @Test
    void blockInPlaceRunsTheWorkOnThePoolWhileTheBlockWaitsOnItsWorker() {
        try (Runtime rt = twoWorkers()) {
            String result = rt.blockOn(rt.spawn(Weft.async(() -> {
                Thread before = Thread.currentThread();
                String ranOn = Weft.blockInPlace(() -> Thread.currentThread().getName());
                return ranOn + " | back on the same worker: " + (Thread.currentThread() == before);
            })));
            assertThat(result).startsWith("bp-blocking-").endsWith("back on the same worker: true");
        }
    }

    @Test
    void blockInPlaceOutsideAnAsyncBlockFailsWithoutStartingTheWork() {
        AtomicInteger runs = new AtomicInteger();
        try (Runtime rt = twoWorkers()) {
            assertThatThrownBy(() -> rt.blockOn(rt.spawn(cx -> Weft.blockInPlace(runs::incrementAndGet))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("while a poll() is in progress");
        }
        assertThat(runs).hasValue(0); // close() waited for the pool: the work would have run by now
    }

    @Test
    void aFailureOfBlockingWorkReachesTheJoinerWithItsCause() {
        try (Runtime rt = twoWorkers()) {
            JoinHandle<String> h = rt.handle().spawnBlocking(() -> {
                throw new IOException("disk on fire");
            });
            assertThatThrownBy(() -> rt.blockOn(h)).isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(IOException.class).hasMessageContaining("disk on fire");
        }
    }

    @Test
    void workAbortedBeforeAPoolThreadTakesItNeverRuns() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger secondRuns = new AtomicInteger();
        Runtime rt = Runtime.builder().multiThread().workerThreads(2).maxBlockingThreads(1).name("bp1").build();
        try {
            JoinHandle<Void> first = rt.handle().spawnBlocking(() -> {
                firstStarted.countDown();
                release.await();
                return null;
            });
            assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
            JoinHandle<Void> second = rt.handle().spawnBlocking(() -> {
                secondRuns.incrementAndGet();
                return null;
            });
            second.abort();
            assertThatThrownBy(() -> rt.blockOn(second)).isInstanceOf(CancellationException.class);
            release.countDown();
            rt.blockOn(first);
        } finally {
            rt.close(); // waits for the pool: had the second call been started, it would have run by now
        }
        assertThat(secondRuns).hasValue(0);
    }

    @Test
    void closeWaitsForRunningBlockingWork() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        Runtime rt = twoWorkers();
        rt.handle().spawnBlocking(() -> {
            started.countDown();
            release.await();
            finished.set(true);
            return null;
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        Thread closer = new Thread(() -> rt.close(Duration.ofSeconds(30)), "closer");
        closer.start();
        // Wait until close() is waiting for the pool (its stack shows it), then let the work finish.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!inBlockingPoolShutdown(closer)) {
            assertThat(System.nanoTime()).as("close() reached the blocking pool").isLessThan(deadline);
            Thread.onSpinWait();
        }
        assertThat(finished).isFalse();
        release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(closer.isAlive()).isFalse();
        assertThat(finished).isTrue();
    }

    private static boolean inBlockingPoolShutdown(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(BlockingPool.class.getName()) && e.getMethodName().equals("shutdown")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void closeReportsBlockingWorkStillRunningAtTheDeadline() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicReference<String> warning = new AtomicReference<>();
        Logger jul = Logger.getLogger("dev.weft.runtime");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage().contains("blocking work")) {
                    warning.set(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        try {
            Runtime rt = twoWorkers();
            rt.handle().spawnBlocking(() -> {
                started.countDown();
                never.await();
                return null;
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            rt.close(Duration.ofMillis(200));
            assertThat(warning.get()).contains("1 pieces of blocking work had not finished")
                    .contains("BlockingPoolTest").contains("(running)");
        } finally {
            jul.removeHandler(capture);
            never.countDown(); // let the left-behind pool thread end
        }
    }

    @Test
    void spawnBlockingOnAShutDownRuntimeNeverRunsTheWork() {
        AtomicInteger runs = new AtomicInteger();
        Runtime rt = twoWorkers();
        rt.close();
        JoinHandle<Integer> h = rt.handle().spawnBlocking(runs::incrementAndGet);
        assertThat(h.isFinished()).isTrue();
        assertThat(runs).hasValue(0);
    }

    @Test
    void theBuilderRefusesAPoolWithoutThreads() {
        assertThatThrownBy(() -> Runtime.builder().multiThread().maxBlockingThreads(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBlockingThreads");
        assertThatThrownBy(() -> Runtime.builder().multiThread().blockingKeepAlive(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockingKeepAlive");
    }
}
