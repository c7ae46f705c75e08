package dev.weft.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interval on a paused clock moved by hand: the schedule, and each missed-tick behaviour. Ticks are
 * read by polling once (ready now, or not), so the test sees exactly which ticks are due when.
 */
class IntervalTest {
    private static final Duration P = Duration.ofMillis(10);

    /** The ticks ready now, as milliseconds since {@code start}, polling until one is pending. */
    private static List<Long> readyTicks(Interval interval, Instant start) {
        List<Long> out = new ArrayList<>();
        while (true) {
            Future<Instant> tick = interval.tick();
            Object r = tick.poll(new Context(Waker.noop()));
            if (r == Future.PENDING) {
                tick.cancel(); // cancel-safe: no tick is used up
                return out;
            }
            out.add(((Instant) r).durationSince(start).toMillis());
        }
    }

    private static List<List<Long>> scenario(MissedTickBehavior behavior) {
        List<List<Long>> steps = new ArrayList<>();
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).autoAdvance(false).build()) {
            rt.blockOn(Weft.async(() -> {
                Clock clock = rt.clock();
                Instant start = clock.now();
                Interval interval = Weft.interval(P);
                interval.setMissedTickBehavior(behavior);
                steps.add(readyTicks(interval, start)); // at 0
                clock.advance(Duration.ofMillis(10));
                steps.add(readyTicks(interval, start)); // at 10: on time
                clock.advance(Duration.ofMillis(25));
                steps.add(readyTicks(interval, start)); // at 35: 20 and 30 were missed
                clock.advance(Duration.ofMillis(5));
                steps.add(readyTicks(interval, start)); // at 40
                clock.advance(Duration.ofMillis(5));
                steps.add(readyTicks(interval, start)); // at 45
                clock.advance(Duration.ofMillis(10));
                steps.add(readyTicks(interval, start)); // at 55
            }));
        }
        return steps;
    }

    @Test
    void burstDeliversTheMissedTicksAtOnceAndKeepsTheSchedule() {
        assertThat(scenario(MissedTickBehavior.BURST))
                .containsExactly(List.of(0L), List.of(10L), List.of(20L, 30L), List.of(40L), List.of(), List.of(50L));
    }

    @Test
    void delayStartsANewScheduleAPeriodAfterTheLateTick() {
        assertThat(scenario(MissedTickBehavior.DELAY))
                .containsExactly(List.of(0L), List.of(10L), List.of(20L), List.of(), List.of(45L), List.of(55L));
    }

    @Test
    void skipDropsTheMissedTicksAndReturnsToTheGrid() {
        assertThat(scenario(MissedTickBehavior.SKIP))
                .containsExactly(List.of(0L), List.of(10L), List.of(20L), List.of(40L), List.of(), List.of(50L));
    }

    @ParameterizedTest
    @EnumSource(MissedTickBehavior.class)
    void aTickDroppedBeforeItIsDueUsesUpNothingAndLeavesNoTimer(MissedTickBehavior behavior) {
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).autoAdvance(false).build()) {
            TimeDriver driver = (TimeDriver) rt.handle().timeDriver();
            List<Long> seen = rt.blockOn(Weft.async(() -> {
                Instant start = rt.clock().now();
                Interval interval = Weft.interval(P);
                interval.setMissedTickBehavior(behavior);
                List<Long> ticks = new ArrayList<>(readyTicks(interval, start)); // 0; tick 10 dropped
                if (driver.pending() != 0) {
                    throw new AssertionError("a dropped tick left its timer in the wheel");
                }
                rt.clock().advance(P);
                ticks.addAll(readyTicks(interval, start)); // 10 is still there
                return ticks;
            }));
            assertThat(seen).containsExactly(0L, 10L);
        }
    }

    @Test
    void aPeriodMustBePositive() {
        assertThatThrownBy(() -> Weft.interval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }
}
