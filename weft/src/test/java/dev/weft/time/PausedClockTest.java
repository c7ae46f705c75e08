package dev.weft.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The clock tests control: pause, advance by hand, resume, and auto-advance on both flavours. */
class PausedClockTest {

    static Runtime.Builder builder(String flavour) {
        return flavour.equals("currentThread") ? Runtime.builder().currentThread()
                : Runtime.builder().multiThread().workerThreads(2);
    }

    @Test
    void advancingOneMillisecondFiresTheShortSleepAndNotTheLongOne() {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).startPaused(true).autoAdvance(false)
                .build()) {
            TimeDriver driver = (TimeDriver) rt.handle().timeDriver();
            JoinHandle<Void> shortSleep = rt.spawn(Weft.sleep(Duration.ofMillis(1)));
            JoinHandle<Void> longSleep = rt.spawn(Weft.sleep(Duration.ofSeconds(10)));
            while (driver.pending() < 2) {
                Thread.onSpinWait(); // both registered
            }
            rt.clock().advance(Duration.ofMillis(1));
            rt.blockOn(shortSleep); // returns: the 1 ms sleep fired
            assertThat(longSleep.isFinished()).isFalse();
            assertThat(driver.pending()).isEqualTo(1); // the 10 s timer is still waiting
            rt.clock().advance(Duration.ofMillis(9_998));
            assertThat(driver.pending()).as("one millisecond before its deadline").isEqualTo(1);
            rt.clock().advance(Duration.ofMillis(1));
            rt.blockOn(longSleep);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"currentThread", "multiThread"})
    void tenMinutesOfRetriesAndTicksRunInMillisecondsOfRealTime(String flavour) {
        long realStart = System.nanoTime();
        try (Runtime rt = builder(flavour).startPaused(true).build()) {
            Instant start = rt.clock().now();
            List<Duration> tickTimes = new ArrayList<>();
            List<Duration> retryTimes = new ArrayList<>();
            rt.blockOn(Weft.async(() -> {
                // A reporter ticking every 30 s, and a client retrying with backoff (1, 2, 4, ... s, capped
                // at 60 s) against a "server" that answers only after 8 minutes; each try times out at 5 s.
                JoinHandle<Void> reporter = Weft.spawn(Weft.async(() -> {
                    Interval every = Weft.interval(Duration.ofSeconds(30));
                    for (int i = 0; i < 21; i++) {
                        every.tick().await();
                        tickTimes.add(start.elapsed());
                    }
                }));
                Instant serverUp = start.plus(Duration.ofMinutes(8));
                Duration backoff = Duration.ofSeconds(1);
                while (true) {
                    retryTimes.add(start.elapsed());
                    try {
                        Weft.timeout(Duration.ofSeconds(5), Weft.async(() -> {
                            if (Instant.now().isBefore(serverUp)) {
                                Weft.sleep(Duration.ofHours(1)).await(); // a request that hangs
                            }
                        })).await();
                        break;
                    } catch (ElapsedException e) {
                        Weft.sleep(backoff).await();
                        backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(60)) > 0
                                ? Duration.ofSeconds(60) : backoff.multipliedBy(2);
                    }
                }
                reporter.await();
            }));
            assertThat(tickTimes).hasSize(21);
            for (int i = 0; i < 21; i++) {
                assertThat(tickTimes.get(i)).as(flavour + " tick " + i).isEqualTo(Duration.ofSeconds(30L * i));
            }
            // Tries at 0, then each 5 s timeout plus the backoff: 6, 13, 22, 35, 56, 93, 135 (+65 each).
            List<Duration> expected = new ArrayList<>();
            long t = 0;
            long b = 1;
            while (t < 480) {
                expected.add(Duration.ofSeconds(t));
                t += 5 + b;
                b = Math.min(60, b * 2);
            }
            expected.add(Duration.ofSeconds(t));
            assertThat(retryTimes).containsExactlyElementsOf(expected);
            assertThat(rt.clock().now().durationSince(start)).isEqualTo(Duration.ofMinutes(10));
        }
        // Ten minutes of virtual time; a generous bound on the real time, which is milliseconds.
        assertThat(System.nanoTime() - realStart).isLessThan(Duration.ofSeconds(10).toNanos());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"currentThread", "multiThread"})
    void pauseStopsTimeAndResumeGoesOnFromWhereItStood(String flavour) {
        try (Runtime rt = builder(flavour).autoAdvance(false).build()) {
            Clock clock = rt.clock();
            assertThat(clock.isPaused()).isFalse();
            clock.pause();
            Instant frozen = clock.now();
            assertThat(clock.now()).isEqualTo(frozen);
            clock.advance(Duration.ofHours(2));
            assertThat(clock.now().durationSince(frozen)).isEqualTo(Duration.ofHours(2));
            clock.resume();
            Instant resumed = clock.now();
            assertThat(resumed.durationSince(frozen)).isGreaterThanOrEqualTo(Duration.ofHours(2))
                    .isLessThan(Duration.ofHours(2).plusSeconds(5));
            // A real-time sleep still works after a resume, on the advanced clock.
            rt.blockOn(Weft.sleep(Duration.ofMillis(5)));
            assertThat(clock.now().durationSince(resumed)).isGreaterThanOrEqualTo(Duration.ofMillis(5));
        }
    }

    @Test
    void misuseIsExplained() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            assertThatThrownBy(() -> rt.clock().advance(Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("pause()");
            assertThatThrownBy(() -> rt.clock().resume()).isInstanceOf(IllegalStateException.class);
            rt.clock().pause();
            assertThatThrownBy(() -> rt.clock().pause()).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> rt.clock().advance(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"currentThread", "multiThread"})
    void autoAdvanceWaitsForReadyTasksToRunFirst(String flavour) {
        // Two sleepers and a task that keeps yielding for a while: time must not jump while it is ready.
        try (Runtime rt = builder(flavour).startPaused(true).build()) {
            Instant start = rt.clock().now();
            AtomicInteger yieldsSeen = new AtomicInteger();
            Duration[] sleptUntil = new Duration[1];
            rt.blockOn(Weft.async(() -> {
                JoinHandle<Void> busy = Weft.spawn(Weft.async(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        if (!start.elapsed().isZero()) {
                            throw new AssertionError("the clock moved while a task was ready, at yield " + i);
                        }
                        yieldsSeen.incrementAndGet();
                        Weft.yieldNow().await();
                    }
                }));
                Weft.sleep(Duration.ofSeconds(10)).await();
                sleptUntil[0] = start.elapsed();
                busy.await();
            }));
            assertThat(yieldsSeen.get()).isEqualTo(10_000);
            assertThat(sleptUntil[0]).isEqualTo(Duration.ofSeconds(10));
        }
    }
}
