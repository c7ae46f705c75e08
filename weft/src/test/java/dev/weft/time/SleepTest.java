package dev.weft.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Context;
import dev.weft.Waker;
import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Weft.sleep on real time, through each runtime's time driver. */
class SleepTest {

    private static Runtime runtime(String flavour) {
        return flavour.equals("currentThread") ? Runtime.builder().currentThread().build()
                : Runtime.builder().multiThread().workerThreads(2).build();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"currentThread", "multiThread"})
    void aSleepCompletesAndNeverEarly(String flavour) {
        try (Runtime rt = runtime(flavour)) {
            long start = System.nanoTime();
            rt.blockOn(rt.spawn(Weft.async(() -> {
                Weft.sleep(Duration.ofMillis(20)).await();
            })));
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(20).toNanos());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"currentThread", "multiThread"})
    void sleepsWithEqualAndDifferentDeadlinesFireInDeadlineOrderWhenTimeJumpsPastAllOfThem(String flavour) {
        List<Instant> completed = Collections.synchronizedList(new ArrayList<>());
        List<Instant> deadlines = new ArrayList<>();
        Runtime.Builder b = flavour.equals("currentThread") ? Runtime.builder().currentThread()
                : Runtime.builder().multiThread().workerThreads(1); // one worker: wake order is run order
        try (Runtime rt = b.startPaused(true).autoAdvance(false).build()) {
            TimeDriver driver = (TimeDriver) rt.handle().timeDriver();
            Instant base = rt.clock().now();
            List<JoinHandle<Void>> handles = new ArrayList<>();
            // Latest deadline first; each deadline twice; spread over two levels of the wheel.
            for (int i = 60; i >= 1; i--) {
                Sleep sleep = Weft.sleepUntil(base.plus(Duration.ofMillis(3L * ((i + 1) / 2))));
                deadlines.add(sleep.deadline());
                handles.add(rt.spawn(Weft.async(() -> {
                    sleep.await();
                    completed.add(sleep.deadline());
                })));
            }
            if (flavour.equals("currentThread")) {
                rt.blockOn(Weft.async(() -> {
                    while (driver.pending() < 60) {
                        Weft.yieldNow().await(); // until every task has registered its timer
                    }
                }));
            } else {
                while (driver.pending() < 60) {
                    Thread.onSpinWait();
                }
            }
            rt.clock().advance(Duration.ofSeconds(1));
            for (JoinHandle<Void> h : handles) {
                rt.blockOn(h);
            }
        }
        assertThat(completed).containsExactlyElementsOf(deadlines.stream().sorted().toList());
    }

    @Test
    void aSleepCancelledBeforeItsDeadlineNeverFiresAndOneCancelledAfterStaysFinished() {
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).autoAdvance(false).build()) {
            TimeDriver driver = (TimeDriver) rt.handle().timeDriver();
            Context cx = new Context(Waker.noop());
            rt.blockOn(Weft.async(() -> {
                Sleep early = Weft.sleep(Duration.ofMillis(5));
                Sleep late = Weft.sleep(Duration.ofMillis(5));
                if (early.poll(cx) != dev.weft.Future.PENDING || late.poll(cx) != dev.weft.Future.PENDING) {
                    throw new AssertionError("both sleeps should be pending and registered");
                }
                early.cancel(); // before the deadline: its timer leaves the wheel
                if (driver.pending() != 1) {
                    throw new AssertionError("the cancelled sleep's timer is still in the wheel");
                }
                rt.clock().advance(Duration.ofMillis(5));
                if (driver.pending() != 0 || late.poll(cx) != null) {
                    throw new AssertionError("the sleep that was not cancelled fires at its deadline");
                }
                late.cancel(); // after it fired: nothing to take out, and it stays finished
                if (late.poll(cx) != null || !late.isElapsed()) {
                    throw new AssertionError("a finished sleep stays finished after cancel");
                }
            }));
            assertThat(driver.pending()).isZero();
        }
    }

    @Test
    void aShortSleepFromAnotherThreadWakesTheWorkerParkedOnALongDeadline() {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).build()) {
            JoinHandle<Void> longSleeper = rt.spawn(Weft.async(() -> {
                Weft.sleep(Duration.ofSeconds(10)).await();
            }));
            TimeDriver driver = (TimeDriver) rt.handle().timeDriver();
            while (driver.pending() == 0 || rt.handle().workers().get(0).parks() == 0) {
                Thread.onSpinWait(); // until the 10 s timer is registered and the worker has parked
            }
            long start = System.nanoTime();
            rt.blockOn(Weft.sleep(Duration.ofMillis(1))); // registered from this thread, not the worker
            long took = System.nanoTime() - start;
            // Without the re-plan, the worker would sleep on until the long timer's first wake (8 s).
            assertThat(took).isLessThan(Duration.ofSeconds(1).toNanos());
            longSleeper.abort();
        }
    }

    @Test
    void anAbortedSleeperLeavesNoTimerBehind() {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            TimeDriver driver = (TimeDriver) rt.handle().timeDriver();
            List<JoinHandle<Void>> sleepers = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                sleepers.add(rt.spawn(Weft.async(() -> {
                    Weft.sleep(Duration.ofHours(1)).await();
                })));
            }
            while (driver.pending() < 1_000) {
                Thread.onSpinWait();
            }
            sleepers.forEach(JoinHandle::abort);
            for (JoinHandle<Void> h : sleepers) {
                assertThatThrownBy(() -> rt.blockOn(h)).isInstanceOf(CancellationException.class);
            }
            assertThat(driver.pending()).isZero();
        }
    }

    @Test
    void aSleepPolledOutsideARuntimeSaysWhereItBelongs() {
        Sleep sleep = Weft.sleep(Duration.ofSeconds(1));
        assertThatThrownBy(() -> sleep.poll(new Context(Waker.noop())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a Weft runtime");
    }
}
