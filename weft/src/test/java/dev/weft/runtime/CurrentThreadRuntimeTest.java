package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Future;
import dev.weft.Gate;
import dev.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The current-thread runtime: order, scale, entering and leaving, and its clear errors. */
class CurrentThreadRuntimeTest {

    @Test
    void blockOnFutureRunsFirstThenSpawnedTasksFifoAndAWokenTaskGoesToTheBack() {
        List<String> log = new ArrayList<>();
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            rt.blockOn(Weft.async(() -> {
                log.add("main:start");
                JoinHandle<Void> a = Weft.spawn(() -> {
                    log.add("a:1");
                    Weft.yieldNow().await();
                    log.add("a:2");
                });
                JoinHandle<Void> b = Weft.spawn(() -> {
                    log.add("b:1");
                    Weft.yieldNow().await();
                    log.add("b:2");
                });
                JoinHandle<Boolean> c = Weft.spawn(() -> log.add("c"));
                log.add("main:spawned");
                Weft.yieldNow().await();
                log.add("main:resumed");
                a.await();
                b.await();
                c.await();
                log.add("main:end");
            }));
        }
        assertThat(log).containsExactly(
                "main:start", "main:spawned", "a:1", "b:1", "c", "main:resumed", "a:2", "b:2", "main:end");
    }

    @Test
    void oneHundredThousandSpawnedTasksComplete() {
        int n = 100_000;
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            long sum = rt.blockOn(FanOutBody.sumOfYieldingTasks(n));
            assertThat(sum).isEqualTo((long) n * (n - 1) / 2);
            assertThat(rt.handle().tasks()).isEmpty();
        }
    }

    @Test
    void aWakeFromAnotherThreadUnparksTheDriver() throws Exception {
        Gate gate = new Gate();
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            Thread opener = gate.openFromAnotherThread();
            assertThat(rt.blockOn(Weft.async(() -> {
                gate.await();
                return "woken";
            }))).isEqualTo("woken");
            opener.join();
        }
    }

    @Test
    void anInterruptDoesNotDisturbTheDriverAndIsKeptForTheCaller() throws Exception {
        Gate gate = new Gate();
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            Thread opener = gate.openFromAnotherThread();
            String r = rt.blockOn(Weft.async(() -> {
                Thread.currentThread().interrupt(); // a task re-asserts an interrupt on the driving thread
                gate.await();                       // the driver must still park and be woken
                return "done";
            }));
            opener.join();
            assertThat(r).isEqualTo("done");
            assertThat(Thread.interrupted()).as("the interrupt is handed back to the caller").isTrue();
        }
    }

    @Test
    void blockOnWorksFromAVirtualThread() throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread vt = Thread.ofVirtual().start(() -> {
            try (Runtime rt = Runtime.builder().currentThread().build()) {
                result.set(rt.blockOn(Weft.async(() -> {
                    JoinHandle<Integer> h = Weft.spawn(() -> {
                        Weft.yieldNow().await();
                        return 41;
                    });
                    return h.await() + 1;
                })));
            } catch (Throwable t) {
                result.set(t);
            }
        });
        vt.join();
        assertThat(result.get()).isEqualTo(42);
    }

    @Test
    void blockOnWorksOnAThreadPoolExecutorThreadDespiteThePoolsOwnLock() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(1);
        try {
            String r = pool.submit(() -> {
                try (Runtime rt = Runtime.builder().currentThread().build()) {
                    return rt.blockOn(Weft.async(() -> {
                        Weft.yieldNow().await(); // a suspension the lock detector checks
                        return "ok";
                    }));
                }
            }).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r).isEqualTo("ok");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tasksSpawnedFromOutsideRunWhenTheRuntimeIsNextDriven() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            JoinHandle<String> h = rt.spawn(Weft.async(() -> "ran"));
            assertThat(h.isFinished()).isFalse();
            assertThat(rt.blockOn(h)).isEqualTo("ran");
        }
    }

    @Test
    void handleCurrentFindsTheRuntimeInsideAndFailsClearlyOutside() {
        try (Runtime rt = Runtime.builder().currentThread().name("finder").build()) {
            assertThat(rt.blockOn(Weft.async(() -> Handle.current().name()))).isEqualTo("finder");
        }
        assertThatThrownBy(Handle::current).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no Weft runtime");
        assertThatThrownBy(() -> Weft.spawn(Future.ready(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("runtime.spawn");
    }

    @Test
    void blockOnInsideATaskFailsClearly() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            assertThatThrownBy(() -> rt.blockOn(Weft.async(() -> rt.blockOn(Future.ready(1)))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("from inside a Weft runtime");
        }
    }

    @Test
    void aCurrentThreadRuntimeIsBoundToTheFirstThreadThatDrivesIt() throws Exception {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            rt.blockOn(Future.ready(1));
            Throwable elsewhere = OtherThread.failureOf("other-thread", () -> rt.blockOn(Future.ready(2)));
            assertThat(elsewhere).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("bound to thread '" + Thread.currentThread().getName() + "'")
                    .hasMessageContaining("'other-thread'");
        }
    }

    @Test
    void perTaskCountersRecordPollsAndWakes() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            Gate gate = new Gate();
            JoinHandle<Void> task = rt.spawn(Weft.async(() -> {
                for (int i = 0; i < 3; i++) {
                    Weft.yieldNow().await();
                }
                gate.await();
            }));
            TaskInfo info = rt.blockOn(Weft.async(() -> {
                while (!gate.hasWaiter()) {
                    Weft.yieldNow().await();
                }
                return rt.handle().tasks().stream().filter(t -> t.id() == task.id()).findFirst().orElseThrow();
            }));
            assertThat(info.polls()).isEqualTo(4);
            assertThat(info.wakes()).isEqualTo(3);
            assertThat(info.state()).isEqualTo("idle");
            assertThat(info.body()).contains("CurrentThreadRuntimeTest");
            gate.open();
            rt.blockOn(task);
        }
    }

    @Test
    void busyTimeEstimateCoversTheTimeSpentInPolls() {
        // Busy time is sampled (one poll in 16, at random, counted 16 times). Over 400 polls of at least
        // 20 µs each, the chance that it comes out below a quarter of the 8 ms spent is about 1e-6.
        int polls = 400;
        long spinNanos = 20_000;
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            JoinHandle<Long> task = rt.spawn(Weft.async(() -> {
                for (int i = 0; i < polls; i++) {
                    long until = System.nanoTime() + spinNanos;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    Weft.yieldNow().await();
                }
                return Thread.currentThread().threadId();
            }));
            TaskInfo info = rt.blockOn(Weft.async(() -> {
                while (rt.handle().tasks().stream().noneMatch(t -> t.id() == task.id() && t.polls() >= polls)) {
                    Weft.yieldNow().await();
                }
                return rt.handle().tasks().stream().filter(t -> t.id() == task.id()).findFirst().orElseThrow();
            }));
            assertThat(info.busyNanos()).isGreaterThanOrEqualTo(polls * spinNanos / 4);
            rt.blockOn(task);
        }
    }

    @Test
    void severalRuntimesLiveSideBySideWithTheirOwnTasks() {
        try (Runtime first = Runtime.builder().currentThread().name("first").build();
                Runtime second = Runtime.builder().currentThread().name("second").build()) {
            JoinHandle<String> onSecond = second.spawn(Weft.async(() -> Handle.current().name()));
            assertThat(first.blockOn(Weft.async(() -> Handle.current().name()))).isEqualTo("first");
            assertThat(onSecond.isFinished()).as("driving the first does not run the second's tasks").isFalse();
            assertThat(second.blockOn(onSecond)).isEqualTo("second");
        }
    }

    @Test
    void aTaskThatThrowsDoesNotTakeTheRuntimeDown() {
        AtomicLong after = new AtomicLong();
        try (Runtime rt = Runtime.builder().currentThread().onUnobservedFailure((t, e) -> { }).build()) {
            rt.blockOn(Weft.async(() -> {
                Weft.spawn(() -> {
                    throw new OutOfMemoryError("pretend");
                });
                Weft.yieldNow().await();
                after.set(Weft.spawn(() -> 7L).await());
            }));
        }
        assertThat(after).hasValue(7);
    }

    @Test
    void aRuntimeNeedsAFlavour() {
        assertThatThrownBy(() -> Runtime.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("currentThread()");
        assertThat(Runtime.DEFAULT_CLOSE_DEADLINE).isEqualTo(Duration.ofSeconds(10));
    }
}
