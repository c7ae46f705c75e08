package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Gate;
import dev.weft.Weft;
import dev.weft.internal.Park;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The park stack, with a fake driver standing where timers and I/O will be. */
class ParkStackTest {

    /** A driver with no events: it records who polls it and who waits in it. */
    static final class FakeDriver implements Park {
        final ThreadPark waiting = new ThreadPark();
        final AtomicInteger parkedNow = new AtomicInteger();
        final AtomicInteger maxParkedAtOnce = new AtomicInteger();
        final Set<String> pollers = ConcurrentHashMap.newKeySet();
        final Set<String> waiters = ConcurrentHashMap.newKeySet();
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger zeroPolls = new AtomicInteger();

        @Override
        public boolean park(long nanos) {
            String me = Thread.currentThread().getName();
            if (nanos == 0) {
                zeroPolls.incrementAndGet();
                pollers.add(me);
                log.add("driver polled");
                return false;
            }
            waiters.add(me);
            int now = parkedNow.incrementAndGet();
            maxParkedAtOnce.accumulateAndGet(now, Math::max);
            try {
                return waiting.park(nanos);
            } finally {
                parkedNow.decrementAndGet();
            }
        }

        @Override
        public void unpark() {
            waiting.unpark();
        }
    }

    @Test
    void oneIdleWorkerParksInTheDriverAndTheOthersOnTheirOwnParker() throws Exception {
        FakeDriver driver = new FakeDriver();
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("ps").driver(driver).build()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!(driver.parkedNow.get() == 1 && bothWorkersWaiting()) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(driver.parkedNow).hasValue(1);
            assertThat(bothWorkersWaiting()).isTrue();
            // A spawn from outside wakes a worker wherever it is parked.
            assertThat(rt.blockOn(rt.spawn(Weft.async(() -> "ran")))).isEqualTo("ran");
        }
        assertThat(driver.maxParkedAtOnce).hasValue(1);
    }

    private static boolean bothWorkersWaiting() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("ps-worker-"))
                .allMatch(t -> t.getState() == Thread.State.WAITING);
    }

    @Test
    void underLoadEveryWorkerPollsTheDriverWithoutWaiting() throws Exception {
        FakeDriver driver = new FakeDriver();
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("busy").driver(driver).build()) {
            int tasks = 8;
            CountDownLatch bothPolled = new CountDownLatch(1);
            // Spawned from a task, so placement spreads them over both workers (homing keeps them there).
            rt.blockOn(rt.spawn(Weft.async(() -> {
                List<JoinHandle<Void>> hs = new ArrayList<>();
                for (int i = 0; i < tasks; i++) {
                    hs.add(Weft.spawn(() -> {
                        while (bothPolled.getCount() > 0) {
                            if (driver.pollers.size() == 2) {
                                bothPolled.countDown();
                            }
                            Weft.yieldNow().await();
                        }
                    }));
                }
                for (JoinHandle<Void> h : hs) {
                    h.await();
                }
            })));
        }
        assertThat(driver.pollers).containsExactlyInAnyOrder("busy-worker-0", "busy-worker-1");
    }

    @Test
    void aYieldedTaskRunsAfterTheDriverHasBeenPolled() {
        FakeDriver driver = new FakeDriver();
        try (Runtime rt = Runtime.builder().currentThread().driver(driver).build()) {
            rt.blockOn(Weft.async(() -> {
                driver.log.add("before yield");
                Weft.yieldNow().await();
                driver.log.add("after yield");
            }));
        }
        assertThat(driver.log).containsSubsequence("before yield", "driver polled", "after yield");
        assertThat(driver.log.indexOf("driver polled")).isLessThan(driver.log.indexOf("after yield"));
    }

    @Test
    void theCurrentThreadRuntimeParksInItsDriverAndAnOutsideWakeReachesIt() throws Exception {
        FakeDriver driver = new FakeDriver();
        Gate gate = new Gate();
        try (Runtime rt = Runtime.builder().currentThread().driver(driver).build()) {
            Thread opener = new Thread(() -> {
                while (driver.parkedNow.get() == 0) {
                    Thread.onSpinWait();
                }
                gate.open(); // the wake reaches a thread that waits in the driver
            });
            opener.start();
            String r = rt.blockOn(Weft.async(() -> {
                gate.await();
                return "woken in the driver";
            }));
            opener.join();
            assertThat(r).isEqualTo("woken in the driver");
        }
        assertThat(driver.waiters).containsExactly(Thread.currentThread().getName());
    }
}
