package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.runtime.TaskQueueLincheckAccess;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The barrier under Lincheck, through its poll-level API on threads the scenario owns: parties that
 * arrive, poll again, and give up (cancel) if their round has not tripped, racing with each other.
 * After every scenario: no arrival is left counted (a withdrawn one was taken back, a released one
 * was reset with its round), and a round tripped only with a full set of parties, so the leaders
 * times the parties is at most the arrivals (each leader's round used {@code PARTIES} of them, none
 * shared).
 */
class BarrierLincheckTest {
    static final int PARTIES = 2;

    /** The structure under test. */
    public static class BarrierUnderTest {
        private final Barrier barrier = new Barrier(PARTIES);
        private final Context cx = new Context(Waker.noop());
        private final AtomicInteger arrivals = new AtomicInteger();
        private final AtomicInteger leaders = new AtomicInteger();

        @Operation
        public void arriveOrGiveUp() {
            Future<Barrier.Result> f = barrier.arriveAndWait();
            arrivals.incrementAndGet();
            Object r = f.poll(cx);
            if (r == Future.PENDING) {
                r = f.poll(cx); // another party may have tripped the round meanwhile
            }
            if (r == Future.PENDING) {
                f.cancel();
            } else if (((Barrier.Result) r).isLeader()) {
                leaders.incrementAndGet();
            }
        }

        @Validate
        public void noArrivalIsLeftAndEveryRoundWasFull() {
            if (barrier.waiting() != 0) {
                throw new IllegalStateException(barrier.waiting() + " arrivals still counted after every party left");
            }
            if (leaders.get() * PARTIES > arrivals.get()) {
                throw new IllegalStateException(leaders.get() + " rounds tripped with only " + arrivals.get()
                        + " arrivals: a round went on a party short");
            }
        }
    }

    @Test
    void noArrivalIsLeftAndNoRoundTripsShortUnderModelChecking() {
        TaskQueueLincheckAccess.modelChecking().check(BarrierUnderTest.class);
    }

    @Test
    @Tag("stress") // Lincheck on real threads: minutes on 2 cores; ./test.sh -Pstress runs it
    void noArrivalIsLeftAndNoRoundTripsShortUnderStress() {
        TaskQueueLincheckAccess.stress().check(BarrierUnderTest.class);
    }
}
