package dev.weft.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.internal.Park;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The time layer of the park stack, over a fake layer below and a clock moved by hand. */
class TimeDriverTest {
    private static final long MS = 1_000_000;

    /** The layer below: records each park's timeout; a park with a timeout "sleeps" by moving the clock. */
    private static final class FakeBelow implements Park {
        final AtomicLong clock;
        final List<Long> timeouts = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger unparks = new AtomicInteger();
        volatile CountDownLatch blockUntilUnparked;

        FakeBelow(AtomicLong clock) {
            this.clock = clock;
        }

        @Override
        public boolean park(long nanos) {
            timeouts.add(nanos);
            CountDownLatch block = blockUntilUnparked;
            if (block != null) {
                try {
                    block.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return true;
                }
            } else if (nanos > 0) {
                clock.addAndGet(nanos); // the whole timeout passes
            }
            return false;
        }

        @Override
        public void unpark() {
            unparks.incrementAndGet();
            CountDownLatch block = blockUntilUnparked;
            if (block != null) {
                block.countDown();
            }
        }
    }

    private static final class CountingWaker implements dev.weft.Waker {
        final AtomicInteger wakes = new AtomicInteger();

        @Override
        public void wake() {
            wakes.incrementAndGet();
        }
    }

    private static TimeDriver.Timer timer(CountingWaker waker) {
        TimeDriver.Timer t = new TimeDriver.Timer();
        t.setWaker(waker);
        return t;
    }

    @Test
    void withNoTimersTheLayerBelowParksWithoutALimit() {
        AtomicLong clock = new AtomicLong(5 * MS);
        FakeBelow below = new FakeBelow(clock);
        TimeDriver driver = new TimeDriver(below, clock::get);
        driver.park(-1);
        assertThat(below.timeouts).containsExactly(-1L);
    }

    @Test
    void parkingSleepsUntilTheNextTimerAndFiresIt() {
        AtomicLong clock = new AtomicLong(0);
        FakeBelow below = new FakeBelow(clock);
        TimeDriver driver = new TimeDriver(below, clock::get);
        CountingWaker tenMs = new CountingWaker();
        CountingWaker tenSeconds = new CountingWaker();
        TimeDriver.Timer soon = timer(tenMs);
        TimeDriver.Timer late = timer(tenSeconds);
        assertThat(driver.register(soon, driver.tickFor(clock.get() + 10 * MS))).isTrue();
        assertThat(driver.register(late, driver.tickFor(clock.get() + 10_000 * MS))).isTrue();

        driver.park(-1);
        assertThat(below.timeouts).containsExactly(10 * MS); // until the earlier timer, not forever
        assertThat(tenMs.wakes).hasValue(1);
        assertThat(soon.hasFired()).isTrue();
        assertThat(tenSeconds.wakes).hasValue(0);
        assertThat(driver.pending()).isEqualTo(1);
    }

    @Test
    void aDeadlineIsRoundedUpAndNeverFiresEarly() {
        AtomicLong clock = new AtomicLong(0);
        TimeDriver driver = new TimeDriver(new FakeBelow(clock), clock::get);
        CountingWaker w = new CountingWaker();
        driver.register(timer(w), driver.tickFor(MS + 1)); // 1 ms and a nanosecond: tick 2
        clock.set(MS + 999_999);
        driver.park(0);
        assertThat(w.wakes).hasValue(0);
        clock.set(2 * MS);
        driver.park(0);
        assertThat(w.wakes).hasValue(1);
    }

    @Test
    void aDeadlineThatHasComeIsRefusedSoTheCallerIsReadyAtOnce() {
        AtomicLong clock = new AtomicLong(50 * MS);
        TimeDriver driver = new TimeDriver(new FakeBelow(clock), clock::get);
        clock.addAndGet(3 * MS);
        assertThat(driver.register(timer(new CountingWaker()), driver.tickFor(clock.get()))).isFalse();
        assertThat(driver.register(timer(new CountingWaker()), driver.tickFor(clock.get() - MS))).isFalse();
        assertThat(driver.pending()).isZero();
    }

    @Test
    void anEarlierTimerRegisteredWhileAThreadIsParkedWakesItToReplan() throws Exception {
        AtomicLong clock = new AtomicLong(0);
        FakeBelow below = new FakeBelow(clock);
        below.blockUntilUnparked = new CountDownLatch(1);
        TimeDriver driver = new TimeDriver(below, clock::get);
        driver.register(timer(new CountingWaker()), driver.tickFor(10_000 * MS));
        Thread parked = new Thread(() -> driver.park(-1), "parked-in-driver");
        parked.start();
        while (below.timeouts.isEmpty()) {
            Thread.onSpinWait(); // until the thread is inside the layer below
        }
        // Not past the timer: at most until it (a far timer wakes the driver once on the way, when the
        // wheel moves it to a finer level; here at 8,192 ms).
        assertThat(below.timeouts).hasSize(1);
        assertThat(below.timeouts.get(0)).isPositive().isLessThanOrEqualTo(10_000 * MS);

        driver.register(timer(new CountingWaker()), driver.tickFor(20_000 * MS)); // later: no reason to wake
        assertThat(below.unparks).hasValue(0);
        driver.register(timer(new CountingWaker()), driver.tickFor(MS)); // earlier: must wake it
        assertThat(below.unparks).hasValue(1);
        parked.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(parked.isAlive()).isFalse();
    }

    @Test
    void aCancelledTimerNeverFires() {
        AtomicLong clock = new AtomicLong(0);
        TimeDriver driver = new TimeDriver(new FakeBelow(clock), clock::get);
        CountingWaker w = new CountingWaker();
        TimeDriver.Timer t = timer(w);
        driver.register(t, driver.tickFor(5 * MS));
        driver.cancel(t);
        clock.set(100 * MS);
        driver.park(0);
        assertThat(w.wakes).hasValue(0);
        assertThat(t.hasFired()).isFalse();
        assertThat(driver.pending()).isZero();
    }
}
