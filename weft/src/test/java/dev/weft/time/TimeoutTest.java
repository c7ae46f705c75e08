package dev.weft.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Coop;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Weft.timeout, the non-cancellable cleanup bound, and what timers cost the wheel and the budget. */
class TimeoutTest {

    private static Runtime paused(String flavour) {
        return PausedClockTest.builder(flavour).startPaused(true).build();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"currentThread", "multiThread"})
    void anElapsedTimeoutCancelsTheInnerFutureAndItsFinallyRuns(String flavour) {
        try (Runtime rt = paused(flavour)) {
            Instant start = rt.clock().now();
            AtomicBoolean finallyRan = new AtomicBoolean();
            AtomicBoolean completed = new AtomicBoolean();
            Duration[] cancelledAt = new Duration[1];
            assertThatThrownBy(() -> rt.blockOn(Weft.async(() -> Weft.timeout(Duration.ofSeconds(3), Weft.async(() -> {
                try {
                    Weft.sleep(Duration.ofMinutes(1)).await();
                    completed.set(true);
                } finally {
                    finallyRan.set(true);
                    cancelledAt[0] = start.elapsed();
                }
            })).await())))
                    .isInstanceOf(ElapsedException.class)
                    .hasMessageContaining("within 3 s");
            assertThat(finallyRan).isTrue();
            assertThat(completed).isFalse();
            assertThat(cancelledAt[0]).isEqualTo(Duration.ofSeconds(3));
            assertThat(((TimeDriver) rt.handle().timeDriver()).pending()).as("the inner sleep's timer").isZero();
        }
    }

    @Test
    void aFutureThatFinishesInTimeGivesItsValueAndTakesItsTimerOut() {
        try (Runtime rt = paused("currentThread")) {
            TimeDriver driver = (TimeDriver) rt.handle().timeDriver();
            String out = rt.blockOn(Weft.async(() -> Weft.timeout(Duration.ofSeconds(10), Weft.async(() -> {
                Weft.sleep(Duration.ofSeconds(2)).await();
                return "in time";
            })).await()));
            assertThat(out).isEqualTo("in time");
            assertThat(driver.pending()).isZero();
        }
    }

    @Test
    void aReadyFutureTouchesNoWheelSlot() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            TimeDriver driver = (TimeDriver) rt.handle().timeDriver();
            long before = driver.registrations();
            int sum = rt.blockOn(Weft.async(() -> {
                int s = 0;
                for (int i = 0; i < 1_000; i++) {
                    s += Weft.timeout(Duration.ofSeconds(1), Future.ready(i)).await();
                }
                return s;
            }));
            assertThat(sum).isEqualTo(499_500);
            assertThat(driver.registrations()).isEqualTo(before);
        }
    }

    @Test
    void theInnerFuturesFailureIsItsOwn() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            assertThatThrownBy(() -> rt.blockOn(Weft.timeout(Duration.ofSeconds(1), Weft.async(() -> {
                throw new IllegalArgumentException("bad input");
            })))).isInstanceOf(IllegalArgumentException.class).hasMessage("bad input");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"currentThread", "multiThread"})
    void aNonCancellableCleanupThatOverrunsItsTimeoutIsCutOff(String flavour) {
        try (Runtime rt = paused(flavour)) {
            Instant start = rt.clock().now();
            AtomicBoolean cleanupStarted = new AtomicBoolean();
            AtomicBoolean cleanupFinished = new AtomicBoolean();
            AtomicBoolean cleanupsFinallyRan = new AtomicBoolean();
            Duration[] cutAt = new Duration[1];
            JoinHandle<Void> task = rt.spawn(Weft.async(() -> {
                try {
                    Weft.sleep(Duration.ofHours(1)).await();
                } finally {
                    Weft.nonCancellable(Duration.ofSeconds(1), () -> {
                        cleanupStarted.set(true);
                        try {
                            Weft.sleep(Duration.ofMinutes(5)).await(); // a goodbye that never comes
                            cleanupFinished.set(true);
                        } finally {
                            cleanupsFinallyRan.set(true);
                            cutAt[0] = start.elapsed();
                        }
                    }).await();
                }
            }));
            rt.blockOn(Weft.async(() -> {
                Weft.sleep(Duration.ofSeconds(30)).await();
                task.abort();
            }));
            // The task was cancelled; the cut-off cleanup is reported with the cancellation, never lost.
            assertThatThrownBy(() -> rt.blockOn(task)).isInstanceOf(CancellationException.class)
                    .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                            .isInstanceOf(ElapsedException.class)
                            .extracting(Throwable::getMessage).asString()
                            .contains("non-cancellable", "1000 ms"));
            assertThat(cleanupStarted).isTrue();
            assertThat(cleanupFinished).isFalse();
            assertThat(cleanupsFinallyRan).isTrue();
            assertThat(cutAt[0]).isEqualTo(Duration.ofSeconds(31));
        }
    }

    @Test
    void aNonCancellableCleanupWithinItsTimeoutCompletesAndTheTaskEndsCancelled() {
        try (Runtime rt = paused("currentThread")) {
            AtomicBoolean cleanupFinished = new AtomicBoolean();
            JoinHandle<Void> task = rt.spawn(Weft.async(() -> {
                try {
                    Weft.sleep(Duration.ofHours(1)).await();
                } finally {
                    Weft.nonCancellable(Duration.ofSeconds(5), () -> {
                        Weft.sleep(Duration.ofSeconds(2)).await();
                        cleanupFinished.set(true);
                    }).await();
                }
            }));
            rt.blockOn(Weft.async(() -> {
                Weft.yieldNow().await(); // the task starts and sleeps
                task.abort();
            }));
            assertThatThrownBy(() -> rt.blockOn(task)).isInstanceOf(CancellationException.class);
            assertThat(cleanupFinished).isTrue();
        }
    }

    @Test
    void aMillionSleepsCreatedAndCancelledLeaveTheWheelEmpty() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            TimeDriver driver = (TimeDriver) rt.handle().timeDriver();
            long before = driver.registrations();
            rt.blockOn(Weft.async(() -> {
                for (int i = 0; i < 1_000_000; i++) {
                    // Deadlines spread over every level of the wheel, polled once (registered), then dropped.
                    Sleep s = Weft.sleep(Duration.ofMillis(1 + (i * 7919L) % 100_000_000L));
                    assertThat(s.poll(new dev.weft.Context(dev.weft.Waker.noop()))).isSameAs(Future.PENDING);
                    s.cancel();
                }
            }));
            assertThat(driver.registrations() - before).isEqualTo(1_000_000);
            assertThat(driver.pending()).isZero();
        }
    }

    @Test
    void timersSpendTheCooperativeBudget() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            int spent = rt.blockOn(Weft.async(() -> {
                Weft.yieldNow().await(); // a fresh budget
                int before = Coop.remaining();
                for (int i = 0; i < 10; i++) {
                    Weft.sleep(Duration.ZERO).await(); // ready at once: a unit each
                }
                return before - Coop.remaining();
            }));
            assertThat(spent).isEqualTo(10);
        }
    }
}
