package dev.weft.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The timing wheel on its own: firing times, order, cancellation, far deadlines, and emptiness. */
class TimerWheelTest {

    /** A timer that records when (the wheel's tick) and in what order it fired. */
    private static final class Timer extends TimerWheel.Entry {
        final int index;
        final long due;
        final List<Timer> log;
        long firedAt = -1;
        TimerWheel wheel;

        Timer(int index, long due, List<Timer> log) {
            this.index = index;
            this.due = due;
            this.log = log;
        }

        @Override
        void fire() {
            assertThat(firedAt).as("timer %d fired twice", index).isEqualTo(-1);
            firedAt = wheel.elapsed();
            log.add(this);
        }
    }

    @Test
    void randomTimersFireOnceAtTheFirstAdvancePastTheirDeadlineInDeadlineThenInsertionOrder() {
        Random random = new Random(20261126);
        TimerWheel wheel = new TimerWheel();
        List<Timer> log = new ArrayList<>();
        List<Timer> timers = new ArrayList<>();
        long horizon = 20_000_000; // reaches level 4
        for (int i = 0; i < 20_000; i++) {
            // Many equal deadlines (a small set of values) mixed with spread-out ones.
            long due = random.nextInt(4) == 0 ? 1 + random.nextInt(50) * 1_000L : 1 + (long) (random.nextDouble() * horizon);
            Timer t = new Timer(i, due, log);
            t.wheel = wheel;
            timers.add(t);
            assertThat(wheel.insert(t, due)).isTrue();
        }
        long now = 0;
        while (now < horizon + 1) {
            long before = now;
            now += 1 + (long) (random.nextDouble() * random.nextDouble() * 200_000); // small and large steps
            wheel.advance(now);
            for (Timer t : timers) {
                if (t.due <= now) {
                    assertThat(t.firedAt).as("timer %d due %d, advanced to %d", t.index, t.due, now).isGreaterThanOrEqualTo(0);
                } else {
                    assertThat(t.firedAt).as("timer %d due %d fired early", t.index, t.due).isEqualTo(-1);
                }
            }
            assertThat(before).isLessThan(now);
        }
        assertThat(log).hasSize(timers.size());
        for (Timer t : timers) {
            assertThat(t.firedAt).as("timer %d fires at its own tick", t.index).isEqualTo(t.due);
        }
        List<Timer> expected = new ArrayList<>(timers);
        expected.sort(Comparator.<Timer>comparingLong(t -> t.due).thenComparingInt(t -> t.index));
        assertThat(log).containsExactlyElementsOf(expected);
        assertThat(wheel.size()).isZero();
        assertThat(wheel.nextWake()).isEqualTo(-1);
    }

    @Test
    void aCancelledTimerNeverFiresAndLeavesNothingBehind() {
        Random random = new Random(7);
        TimerWheel wheel = new TimerWheel();
        List<Timer> log = new ArrayList<>();
        List<Timer> kept = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            long due = 1 + random.nextInt(5_000_000);
            Timer t = new Timer(i, due, log);
            t.wheel = wheel;
            wheel.insert(t, due);
            if (i % 3 == 0) {
                wheel.remove(t);
                wheel.remove(t); // twice is harmless
                assertThat(t.isLinked()).isFalse();
            } else {
                kept.add(t);
            }
        }
        assertThat(wheel.size()).isEqualTo(kept.size());
        wheel.advance(2_500_000);
        // Cancel some of what is left after time has moved (entries now in finer levels).
        for (int i = 0; i < kept.size(); i += 2) {
            Timer t = kept.get(i);
            if (t.firedAt < 0) {
                wheel.remove(t);
                t.firedAt = -2; // marks "cancelled"
            }
        }
        wheel.advance(5_000_001);
        for (Timer t : kept) {
            assertThat(t.firedAt).as("timer %d", t.index).isNotEqualTo(-1);
        }
        assertThat(log).noneMatch(t -> t.index % 3 == 0).allMatch(t -> t.firedAt == t.due);
        assertThat(wheel.size()).isZero();
        assertThat(wheel.nextWake()).isEqualTo(-1);
    }

    @Test
    void aMillionTimersInsertedAndCancelledLeaveTheWheelEmpty() {
        TimerWheel wheel = new TimerWheel();
        List<Timer> log = new ArrayList<>();
        Random random = new Random(1);
        for (int i = 0; i < 1_000_000; i++) {
            Timer t = new Timer(i, 0, log);
            wheel.insert(t, 1 + random.nextInt(1_000_000));
            wheel.remove(t);
        }
        assertThat(wheel.size()).isZero();
        assertThat(wheel.nextWake()).isEqualTo(-1);
        assertThat(wheel.advance(2_000_000)).isZero();
        assertThat(log).isEmpty();
    }

    @Test
    void aDeadlineThatHasComeIsRefusedAndNextWakeNeverLiesBeyondTheEarliestTimer() {
        TimerWheel wheel = new TimerWheel();
        List<Timer> log = new ArrayList<>();
        wheel.advance(1_000);
        assertThat(wheel.insert(new Timer(0, 1_000, log), 1_000)).isFalse();
        assertThat(wheel.insert(new Timer(1, 999, log), 999)).isFalse();
        Random random = new Random(3);
        for (int i = 0; i < 2_000; i++) {
            long due = wheel.elapsed() + 1 + random.nextInt(10_000_000);
            Timer t = new Timer(i, due, log);
            t.wheel = wheel;
            wheel.insert(t, due);
            long wake = wheel.nextWake();
            assertThat(wake).isGreaterThan(wheel.elapsed()).isLessThanOrEqualTo(due);
            assertThat(wheel.advance(wake - 1)).isZero(); // nothing is due before the wake it announced
            wheel.remove(t);
        }
    }

    @Test
    void deadlinesBeyondTheWheelsRangeFireOnTimeAsTimeCatchesUp() {
        TimerWheel wheel = new TimerWheel();
        List<Timer> log = new ArrayList<>();
        long far = 3 * TimerWheel.MAX_AHEAD + 12_345;
        Timer t = new Timer(0, far, log);
        t.wheel = wheel;
        wheel.insert(t, far);
        wheel.advance(far - 1);
        assertThat(log).isEmpty();
        wheel.advance(far);
        assertThat(log).containsExactly(t);
        assertThat(t.firedAt).isEqualTo(far);
    }
}
