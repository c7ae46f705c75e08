package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import dev.weft.sync.Mpsc;
import dev.weft.sync.Notify;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Handle#metrics()}: each counter moves when, and only when, its event happens. */
class RuntimeMetricsTest {

    @Test
    void liveTasksAndHomedTasksAreCountedPerWorker() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("metrics").build()) {
            Notify release = new Notify();
            List<JoinHandle<Void>> handles = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                handles.add(rt.spawn(Weft.async(() -> release.notified().await())));
            }
            Observed.until("10 idle tasks", () -> rt.handle().tasks().stream().filter(t -> t.state().equals("idle"))
                    .count() == 10);

            RuntimeMetrics m = rt.handle().metrics();
            assertThat(m.runtime()).isEqualTo("metrics");
            assertThat(m.multiThread()).isTrue();
            assertThat(m.liveTasks()).isEqualTo(10);
            assertThat(m.workers()).hasSize(2);
            assertThat(m.workers().stream().mapToLong(WorkerInfo::liveHomed).sum())
                    .as("each suspended block is homed on the worker that started it").isEqualTo(10);
            assertThat(m.polls()).isGreaterThanOrEqualTo(10);

            release.notifyWaiters();
            rt.blockOn(Weft.async(() -> handles.forEach(JoinHandle::await)));
            Observed.until("no live task", () -> rt.handle().metrics().liveTasks() == 0);
            // A task leaves the registry just before its worker's homed count drops.
            Observed.until("no homed task", () -> rt.handle().metrics().workers().stream()
                    .mapToLong(WorkerInfo::liveHomed).sum() == 0);
            Observed.until("both workers idle", () -> rt.handle().metrics().workers().stream().allMatch(WorkerInfo::idle));
            assertThat(rt.handle().metrics().parks()).isPositive();
        }
    }

    @Test
    void theBlockingPoolsThreadsAndQueueAreCounted() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).maxBlockingThreads(1).build()) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            JoinHandle<Boolean> first = rt.handle().spawnBlocking(() -> {
                started.countDown();
                return release.await(20, TimeUnit.SECONDS);
            });
            assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
            JoinHandle<Integer> second = rt.handle().spawnBlocking(() -> 2);

            RuntimeMetrics m = rt.handle().metrics();
            assertThat(m.blockingThreads()).isEqualTo(1);
            assertThat(m.blockingIdleThreads()).isZero();
            assertThat(m.blockingQueueDepth()).as("the second call waits for the one thread").isEqualTo(1);

            release.countDown();
            assertThat(rt.blockOn(first)).isTrue();
            assertThat(rt.blockOn(second)).isEqualTo(2);
            assertThat(rt.handle().metrics().blockingQueueDepth()).isZero();
        }
    }

    @Test
    void budgetForcedYieldsAreCountedWhenATaskDrainsAReadyChannel() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            long before = rt.handle().metrics().budgetForcedYields();
            int items = 10_000;
            Mpsc<Integer> ch = Mpsc.unbounded();
            for (int i = 0; i < items; i++) {
                ch.sender().trySend(i);
            }
            ch.sender().close();
            int got = rt.blockOn(rt.spawn(Weft.async(() -> {
                int n = 0;
                while (ch.receiver().recv().await() != null) {
                    n++;
                }
                return n;
            })));
            assertThat(got).isEqualTo(items);
            // 128 units per poll: at least 10,000 / 128 polls were cut short by the budget.
            assertThat(rt.handle().metrics().budgetForcedYields() - before).isGreaterThanOrEqualTo(items / 128 - 1);
        }
    }

    @Test
    void aBlockingPollIsCountedAndItsReportSaysWhileItIsOngoing() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).blockingThreshold(Duration.ofMillis(20))
                .onBlocking(r -> { }).build()) {
            CountDownLatch release = new CountDownLatch(1);
            JoinHandle<Boolean> sleeper = rt.spawn("sleeper", Weft.async(() -> release.await(20, TimeUnit.SECONDS)));
            Observed.until("a blocking report", () -> rt.handle().metrics().blockingReports() > 0);

            BlockingReport r = rt.handle().blockingReports().getLast();
            assertThat(r.task().id()).isEqualTo(sleeper.id());
            assertThat(r.task().name()).isEqualTo("sleeper");
            WorkerInfo w = rt.handle().metrics().workers().get(r.workerIndex());
            assertThat(r.isOngoing(w)).as("the worker is still inside the reported poll").isTrue();
            assertThat(r.toString()).contains("\"sleeper\"").contains("has blocked worker " + w.thread());

            release.countDown();
            assertThat(rt.blockOn(sleeper)).isTrue();
            Observed.until("the episode to end", () -> !r.isOngoing(rt.handle().metrics().workers().get(r.workerIndex())));
        }
    }
}
