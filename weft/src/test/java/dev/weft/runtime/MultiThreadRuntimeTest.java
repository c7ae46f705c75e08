package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Future;
import dev.weft.Gate;
import dev.weft.Weft;
import dev.weft.sync.Notify;
import dev.weft.sync.Oneshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The multi-thread work-stealing runtime: correctness, homing, balance, idling and shutdown. */
class MultiThreadRuntimeTest {

    private static Runtime twoWorkers() {
        return Runtime.builder().multiThread().workerThreads(2).name("mt").build();
    }

    @Test
    void oneHundredThousandTasksSpawnedFromATaskComplete() {
        int n = 100_000;
        try (Runtime rt = twoWorkers()) {
            long sum = rt.blockOn(rt.spawn(FanOutBody.sumOfYieldingTasks(n)));
            assertThat(sum).isEqualTo((long) n * (n - 1) / 2);
        }
    }

    @Test
    void burstsOfSpawnsFromATaskAllRunRoundAfterRound() throws Exception {
        // Found by a probe: tasks that a worker drained from its mailbox but could not fit in its ring
        // were stranded when a thief emptied the ring first, and both workers parked with them queued
        // (once in about 340,000 spawns). 40 rounds of 10,000 make that race likely to show; each
        // round gets a generous 10 s, where it takes milliseconds.
        int rounds = 40;
        int tasksPerRound = 10_000;
        try (Runtime rt = twoWorkers()) {
            for (int round = 0; round < rounds; round++) {
                AtomicInteger ran = new AtomicInteger();
                CountDownLatch done = new CountDownLatch(1);
                rt.spawn(Weft.async(() -> {
                    for (int i = 0; i < tasksPerRound; i++) {
                        Weft.spawn(() -> {
                            if (ran.incrementAndGet() == tasksPerRound) {
                                done.countDown();
                            }
                        });
                    }
                }));
                assertThat(done.await(10, TimeUnit.SECONDS))
                        .as("round %d: %d of %d tasks ran; workers %s", round, ran.get(), tasksPerRound,
                                rt.handle().workers())
                        .isTrue();
            }
        }
    }

    @Test
    void tasksSpawnedFromOutsideRunOnTheWorkers() throws Exception {
        try (Runtime rt = twoWorkers()) {
            int n = 10_000;
            CountDownLatch done = new CountDownLatch(n);
            Set<String> threads = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < n; i++) {
                rt.spawn(Weft.async(() -> {
                    threads.add(Thread.currentThread().getName());
                    done.countDown();
                }));
            }
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(threads).allSatisfy(name -> assertThat(name).startsWith("mt-worker-"));
        }
    }

    @Test
    void aStartedBlockAlwaysResumesOnItsHomeWorkerWhoeverWakesIt() throws Exception {
        try (Runtime rt = twoWorkers()) {
            int tasks = 8;
            int rounds = 200;
            List<Gate[]> gates = new ArrayList<>();
            List<JoinHandle<Set<String>>> handles = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                Gate[] g = new Gate[rounds];
                for (int r = 0; r < rounds; r++) {
                    g[r] = new Gate();
                }
                gates.add(g);
                handles.add(rt.spawn(Weft.async(() -> {
                    Set<String> seen = new HashSet<>();
                    for (Gate gate : g) {
                        seen.add(Thread.currentThread().getName());
                        gate.await();
                    }
                    seen.add(Thread.currentThread().getName());
                    return seen;
                })));
            }
            // Open every gate from this (outside) thread, as soon as its task waits on it.
            for (int r = 0; r < rounds; r++) {
                for (Gate[] g : gates) {
                    g[r].openFromAnotherThread().join();
                }
            }
            for (JoinHandle<Set<String>> h : handles) {
                assertThat(rt.blockOn(h)).hasSize(1);
            }
            long homed = rt.handle().workers().stream().mapToLong(WorkerInfo::homed).sum();
            assertThat(homed).isGreaterThanOrEqualTo(tasks);
        }
    }

    @Test
    void sixtyFourCpuBoundTasksSpawnedByOneTaskSpreadOverBothWorkers() {
        int n = 64;
        Map<String, AtomicInteger> tasksPerWorker = new ConcurrentHashMap<>();
        CountDownLatch allStarted = new CountDownLatch(n);
        char[] order = new char[n];
        AtomicReference<Object> diag = new AtomicReference<>();
        try (Runtime rt = twoWorkers()) {
            rt.blockOn(rt.spawn(Weft.async(() -> {
                List<JoinHandle<Void>> hs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int idx = i;
                    hs.add(Weft.spawn(() -> {
                        order[idx] = Thread.currentThread().getName().charAt(10);
                        tasksPerWorker.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger())
                                .incrementAndGet();
                        allStarted.countDown();
                        // Long-lived and CPU-bound: spin in slices, yielding between them, until all started.
                        while (allStarted.getCount() > 0) {
                            long until = System.nanoTime() + 100_000;
                            while (System.nanoTime() < until) {
                                Thread.onSpinWait();
                            }
                            Weft.yieldNow().await();
                        }
                    }));
                }
                for (JoinHandle<Void> h : hs) {
                    h.await();
                }
                diag.set(Thread.currentThread().getName() + " " + rt.handle().workers());
            })));
        }
        String where = "first polls per worker " + tasksPerWorker + ", by spawn order " + new String(order)
                + ", spawner and counters " + diag.get();
        assertThat(tasksPerWorker).as(where).hasSize(2);
        assertThat(tasksPerWorker.values()).as(where).allSatisfy(c -> assertThat(c.get()).isGreaterThanOrEqualTo(24));
    }

    @Test
    void anAcceptLoopsLongLivedTasksAreHomedOnBothWorkers() {
        // The shape of a server: one task spawns a connection task, waits for the next "connection",
        // spawns again. Each child starts and then waits forever (an idle client). Spawned into the
        // spawner's empty LIFO slot, every child used to run first, and so be homed, on the
        // spawner's worker.
        int n = 8;
        Map<String, AtomicInteger> childrenPerWorker = new ConcurrentHashMap<>();
        try (Runtime rt = twoWorkers()) {
            Notify never = new Notify();
            rt.blockOn(rt.spawn(Weft.async(() -> {
                for (int i = 0; i < n; i++) {
                    Oneshot<Boolean> started = Oneshot.channel();
                    var tx = started.sender();
                    Weft.spawn(() -> {
                        childrenPerWorker.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger())
                                .incrementAndGet();
                        tx.send(true);
                        never.notified().await();
                    });
                    started.receiver().await(); // the next "accept"
                }
            })));
            assertThat(childrenPerWorker).as("children per worker").hasSize(2);
            assertThat(childrenPerWorker.values()).allSatisfy(c -> assertThat(c.get()).isBetween(3, 5));
        }
    }

    @Test
    void anIdleRuntimeParksItsWorkers() throws Exception {
        try (Runtime rt = twoWorkers()) {
            CountDownLatch polled = new CountDownLatch(1);
            JoinHandle<Void> never = rt.spawn(cx -> {
                polled.countDown();
                return Future.PENDING; // never woken
            });
            // Only once the task has run: before that, a worker may look parked with the task in its
            // mailbox and the unpark on its way.
            polled.await();
            List<WorkerInfo> parked = awaitAllParked(rt);
            // Parked means no polling: nothing changes while they stay parked.
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            List<WorkerInfo> later = rt.handle().workers();
            for (int i = 0; i < parked.size(); i++) {
                assertThat(later.get(i).polls()).isEqualTo(parked.get(i).polls());
                assertThat(later.get(i).parks()).isEqualTo(parked.get(i).parks());
            }
            assertThat(never.isFinished()).isFalse();
        }
    }

    /**
     * Waits (up to 10 s) until every worker is parked with no wake-up on its way, and returns their
     * counters then. (Thread states are not enough: a worker that has been unparked but not yet
     * scheduled by the OS still shows WAITING.)
     */
    private static List<WorkerInfo> awaitAllParked(Runtime rt) throws Exception {
        MultiThreadScheduler scheduler = (MultiThreadScheduler) rt.handle().scheduler;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<WorkerInfo> before = rt.handle().workers();
            boolean allParked = true;
            for (Worker w : scheduler.workers) {
                allParked &= w.isParkedWithNoWakePending();
            }
            if (allParked && before.equals(rt.handle().workers())) {
                return before;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("workers did not park within 10 s: " + rt.handle().workers());
    }

    @Test
    void closeUnwindsOneHundredThousandSuspendedTasksOnTwoWorkersWithinFiveSeconds() {
        int n = 100_000;
        AtomicInteger finallies = new AtomicInteger();
        Runtime rt = twoWorkers();
        CountDownLatch suspended = new CountDownLatch(n);
        rt.blockOn(Weft.async(() -> {
            for (int i = 0; i < n; i++) {
                Weft.spawn(() -> {
                    try {
                        suspended.countDown();
                        Future.never().await();
                    } finally {
                        finallies.incrementAndGet();
                    }
                });
            }
        }));
        try {
            assertThat(suspended.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        long start = System.nanoTime();
        rt.close(Duration.ofSeconds(5));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(finallies).hasValue(n);
        assertThat(rt.handle().tasks()).isEmpty();
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(Thread.getAllStackTraces().keySet()).noneSatisfy(
                t -> assertThat(t.getName()).startsWith("mt-worker-"));
    }

    @Test
    void closeFromAWorkerFailsAndShutdownBackgroundWorksFromAnywhere() throws Exception {
        Runtime rt = twoWorkers();
        AtomicReference<Throwable> closeInside = new AtomicReference<>();
        CountDownLatch unwound = new CountDownLatch(1);
        JoinHandle<Void> task = rt.spawn(Weft.async(() -> {
            try {
                rt.close();
            } catch (IllegalStateException e) {
                closeInside.set(e);
            }
            try {
                Future.never().await();
            } finally {
                unwound.countDown();
            }
        }));
        Thread outside = new Thread(() -> {
            while (closeInside.get() == null) {
                Thread.onSpinWait();
            }
            rt.shutdownBackground();
        });
        outside.start();
        assertThat(unwound.await(10, TimeUnit.SECONDS)).isTrue();
        outside.join();
        assertThat(closeInside.get()).hasMessageContaining("shutdownBackground()");
        assertThat(task.isFinished() || unwound.getCount() == 0).isTrue();
        rt.close(); // waits for the workers to end
        assertThatThrownBy(() -> Runtime.builder().multiThread().workerThreads(2).build().blockOn(task))
                .isInstanceOf(CancellationException.class);
    }

    @Test
    void runIsTheOneLineEntryPoint() {
        int answer = Runtime.run(() -> Weft.spawn(() -> 41).await() + 1);
        assertThat(answer).isEqualTo(42);
    }

    @Test
    void blockOnFromAVirtualThreadDrivesOnlyItsOwnFuture() throws Exception {
        try (Runtime rt = twoWorkers()) {
            AtomicReference<Object> result = new AtomicReference<>();
            Thread vt = Thread.ofVirtual().start(() -> result.set(rt.blockOn(Weft.async(() -> {
                String spawnedOn = Weft.spawn(() -> Thread.currentThread().getName()).await();
                return spawnedOn + " / " + Thread.currentThread().isVirtual();
            }))));
            vt.join();
            assertThat(result.get()).asString().startsWith("mt-worker-").endsWith(" / true");
        }
    }

    @Test
    void severalMultiThreadRuntimesHaveTheirOwnWorkers() {
        try (Runtime a = Runtime.builder().multiThread().workerThreads(1).name("alpha").build();
                Runtime b = Runtime.builder().multiThread().workerThreads(1).name("beta").build()) {
            String onA = a.blockOn(a.spawn(Weft.async(() -> Thread.currentThread().getName())));
            String onB = b.blockOn(b.spawn(Weft.async(() -> Thread.currentThread().getName())));
            assertThat(onA).isEqualTo("alpha-worker-0");
            assertThat(onB).isEqualTo("beta-worker-0");
        }
    }
}
