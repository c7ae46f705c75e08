package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Gate;
import dev.weft.Weft;
import dev.weft.internal.ThreadContext;
import dev.weft.sync.Notify;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The task stats ({@link TaskInfo}): counters that must be exact (polls, wakes, self-wakes, the lost
 * waker), and sampled times that must land near what the test itself measured.
 */
class TaskStatsTest {
    private static final int YIELDS = 100;

    @Test
    void yieldsCountAsSelfWakesAndAWakeFromAnotherThreadDoesNot() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("stats").build()) {
            Gate fromOutside = new Gate();
            Gate end = new Gate();
            JoinHandle<Void> h = rt.spawn(Weft.async(() -> {
                for (int i = 0; i < YIELDS; i++) {
                    Weft.yieldNow().await();
                }
                fromOutside.await();
                end.await();
            }));
            fromOutside.openFromAnotherThread().join();
            TaskInfo info = Observed.task(rt.handle(), t -> t.id() == h.id() && t.state().equals("idle")
                    && t.polls() == YIELDS + 2);

            assertThat(info.selfWakes()).isEqualTo(YIELDS);
            assertThat(info.wakes()).isEqualTo(YIELDS + 1);
            assertThat(info.lostWaker()).as("it is waiting on a gate that holds its waker").isFalse();
            end.open();
            rt.blockOn(h);
        }
    }

    /** Pending without ever asking for the waker: a hand-written future with the classic bug. */
    private static final class ForgetsItsWaker implements Future<Void> {
        final CountDownLatch polled = new CountDownLatch(1);

        @Override
        public Object poll(Context cx) {
            polled.countDown();
            return PENDING;
        }
    }

    @Test
    void aTaskThatWentPendingWithoutTakingItsWakerIsFlaggedAsLost() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("stats").build()) {
            ForgetsItsWaker bug = new ForgetsItsWaker();
            JoinHandle<Void> lost = rt.spawn(bug);
            JoinHandle<Void> fine = rt.spawn(new Gate());

            assertThat(Observed.idle(rt.handle(), lost.id()).lostWaker()).isTrue();
            assertThat(Observed.idle(rt.handle(), fine.id()).lostWaker()).isFalse();
            lost.abort();
            fine.abort();
        }
    }

    @Test
    void theLostWakerIsJudgedAfreshAtEveryPoll() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("stats").build()) {
            AtomicLong polls = new AtomicLong();
            // Forgets its waker on the first poll only, and keeps it from the second on.
            JoinHandle<Void> h = rt.spawn(cx -> {
                if (polls.incrementAndGet() > 1) {
                    cx.waker();
                }
                return Future.PENDING;
            });
            assertThat(Observed.idle(rt.handle(), h.id()).lostWaker()).isTrue();
            Task<?> task = rt.handle().registry.snapshot().stream().filter(t -> t.id == h.id()).findFirst().orElseThrow();
            task.wake(); // what a stray waker from elsewhere would do
            assertThat(Observed.task(rt.handle(), t -> t.id() == h.id() && t.polls() == 2 && t.state().equals("idle"))
                    .lostWaker()).isFalse();
            h.abort();
        }
    }

    @Test
    void aWakerTakenInOnePollDoesNotCoverTheNext() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("stats").build()) {
            AtomicLong polls = new AtomicLong();
            // Keeps its waker on the first poll, and forgets it from the second on.
            JoinHandle<Void> h = rt.spawn(cx -> {
                if (polls.incrementAndGet() == 1) {
                    cx.waker();
                }
                return Future.PENDING;
            });
            assertThat(Observed.idle(rt.handle(), h.id()).lostWaker()).isFalse();
            Task<?> task = rt.handle().registry.snapshot().stream().filter(t -> t.id == h.id()).findFirst().orElseThrow();
            task.wake();
            assertThat(Observed.task(rt.handle(), t -> t.id() == h.id() && t.polls() == 2 && t.state().equals("idle"))
                    .lostWaker()).isTrue();
            h.abort();
        }
    }

    @Test
    void aTaskTimedOnceShowsItsOnePollInTheHistogram() throws Exception {
        int tasks = 10 * ThreadContext.TIMING_SAMPLE; // about 10 have their spawn stamped, so their poll timed
        long spinNanos = 20_000; // the [16, 32) µs bucket, number 5
        try (Runtime rt = Runtime.builder().currentThread().name("stats").build()) {
            AtomicLong polled = new AtomicLong();
            JoinHandle<?>[] handles = new JoinHandle<?>[tasks];
            rt.blockOn(Weft.async(() -> {
                for (int i = 0; i < tasks; i++) {
                    handles[i] = Weft.spawn(() -> {
                        spin(spinNanos);
                        polled.incrementAndGet();
                        new Gate().await(); // one poll each, then idle
                    });
                }
                while (polled.get() < tasks) {
                    Weft.yieldNow().await();
                }
            }));
            int timed = 0;
            for (TaskInfo info : rt.handle().tasks()) {
                assertThat(info.polls()).isEqualTo(1);
                if (ThreadContext.sampleId(info.id())) {
                    timed++;
                    assertThat(info.pollTimes()).as("task %d", info.id()).hasSize(Task.POLL_TIME_BUCKETS);
                    assertThat(Arrays.stream(info.pollTimes()).sum()).isEqualTo(1);
                    assertThat(Arrays.copyOfRange(info.pollTimes(), 0, 5)).containsOnly(0);
                    assertThat(info.busyNanos()).isGreaterThanOrEqualTo(spinNanos * ThreadContext.TIMING_SAMPLE);
                } else {
                    assertThat(info.pollTimes()).as("task %d", info.id()).isEmpty();
                    assertThat(info.busyNanos()).isZero();
                }
            }
            assertThat(timed).isBetween(2, 30);
            for (JoinHandle<?> h : handles) {
                h.abort();
            }
        }
    }

    @Test
    void idleTimeGrowsWhileATaskWaitsAndBusyTimeDoesNot() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("stats").build()) {
            Gate gate = new Gate();
            JoinHandle<Void> h = rt.spawn(gate);
            // Past the point where the age covers the (sampled, so possibly inflated) busy time.
            TaskInfo before = Observed.task(rt.handle(), t -> t.id() == h.id() && t.state().equals("idle")
                    && t.idleNanos() > 0);
            long mark = System.nanoTime();
            Observed.until("20 ms to pass", () -> System.nanoTime() - mark >= 20_000_000);
            TaskInfo after = Observed.idle(rt.handle(), h.id());

            assertThat(after.busyNanos()).isEqualTo(before.busyNanos());
            assertThat(after.polls()).isEqualTo(before.polls());
            assertThat(after.idleNanos() - before.idleNanos()).isGreaterThanOrEqualTo(20_000_000);
            assertThat(after.ageNanos()).isGreaterThanOrEqualTo(after.idleNanos() + after.busyNanos());
            h.abort();
        }
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void busyTimeAndThePollHistogramComeFromSampledPolls() throws Exception {
        int polls = 125 * ThreadContext.TIMING_SAMPLE; // 125 timed polls expected
        long spinNanos = 20_000; // 20 µs: the histogram's [16, 32) µs bucket, number 5
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("stats").build()) {
            Gate end = new Gate();
            JoinHandle<Void> h = rt.spawn(Weft.async(() -> {
                for (int i = 0; i < polls; i++) {
                    spin(spinNanos);
                    Weft.yieldNow().await();
                }
                spin(spinNanos); // the last poll too, which ends pending on the gate
                end.await();
            }));
            TaskInfo info = Observed.task(rt.handle(), t -> t.id() == h.id() && t.state().equals("idle")
                    && t.polls() == polls + 1);

            // About one poll in TIMING_SAMPLE is timed: 125 expected, and 5 standard deviations either way
            // allowed.
            int[] histogram = info.pollTimes();
            assertThat(histogram).hasSize(Task.POLL_TIME_BUCKETS);
            int sampled = Arrays.stream(histogram).sum();
            assertThat(sampled).isBetween(125 / 2, 125 * 2);
            // Every poll spun at least 20 µs, so no sampled poll is in a bucket under 16 µs.
            assertThat(Arrays.copyOfRange(histogram, 0, 5)).containsOnly(0);
            // The busy time is those same samples, each counted TIMING_SAMPLE times: it lies within the bounds of
            // the buckets they fell in (bucket i holds [2^(i-1), 2^i) µs; the last has no upper bound).
            long low = 0;
            long high = 0;
            int last = histogram.length - 1;
            for (int i = 1; i < last; i++) {
                low += histogram[i] * (1_000L << (i - 1));
                high += histogram[i] * (1_000L << i);
            }
            low += histogram[last] * (1_000L << (last - 1));
            assertThat(info.busyNanos()).isGreaterThanOrEqualTo(low * ThreadContext.TIMING_SAMPLE);
            if (histogram[last] == 0) {
                assertThat(info.busyNanos()).isLessThan(high * ThreadContext.TIMING_SAMPLE);
            }
            end.open();
            rt.blockOn(h);
        }
    }

    @Test
    void scheduledTimeIsTheWaitInTheQueueBehindAnotherTasksPoll() throws Exception {
        int rounds = 1_000;
        long holdNanos = 100_000; // the notifier holds the only thread 100 µs after each wake
        try (Runtime rt = Runtime.builder().currentThread().name("stats").build()) {
            Notify ping = new Notify();
            Gate end = new Gate();
            JoinHandle<Void> waiter = rt.spawn(Weft.async(() -> {
                for (int i = 0; i < rounds; i++) {
                    ping.notified().await();
                }
                end.await();
            }));
            JoinHandle<Void> notifier = rt.spawn(Weft.async(() -> {
                for (int i = 0; i < rounds; i++) {
                    ping.notifyOne();
                    spin(holdNanos);
                    Weft.yieldNow().await();
                }
            }));
            rt.blockOn(notifier);
            TaskInfo info = rt.handle().tasks().stream().filter(t -> t.id() == waiter.id()).findFirst().orElseThrow();

            // 1,000 waits of at least 100 µs each. Wakes are sampled by the task's wake count, one in
            // TIMING_SAMPLE (64) exactly: 15 samples, each counted 64 times, are at least 96 ms.
            long samples = rounds / ThreadContext.TIMING_SAMPLE;
            assertThat(info.scheduledNanos()).isGreaterThanOrEqualTo(samples * holdNanos * ThreadContext.TIMING_SAMPLE);
            end.open();
            rt.blockOn(waiter);
        }
    }
}
