package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.runtime.TaskQueueLincheckAccess;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The semaphore (and so the mutex built on it) under Lincheck, through its poll-level API on threads
 * the scenario owns: acquires of 1 or 2 permits that are polled, polled again, and given up (cancelled)
 * if still pending, racing with try-acquires and with each other's releases and hand-offs. Whatever
 * the interleaving, no permit may be lost or made up, and no waiter may be left in the queue: checked
 * after every scenario. Fairness makes the semaphore not linearizable to a plain counter (a try-acquire
 * fails while a waiter is queued ahead), so the property checked is conservation, not a sequential
 * model.
 */
class SemaphoreLincheckTest {
    static final int PERMITS = 2;

    /** The structure under test. */
    @Param(name = "n", gen = IntGen.class, conf = "1:2")
    public static class SemaphoreUnderTest {
        private final Semaphore semaphore = new Semaphore(PERMITS);
        private final Context cx = new Context(Waker.noop());

        @Operation
        public void acquireOrGiveUp(@Param(name = "n") int n) {
            Future<Semaphore.Permit> f = semaphore.acquire(n);
            Object r = f.poll(cx);
            if (r == Future.PENDING) {
                r = f.poll(cx); // a release may have handed it the permits meanwhile
            }
            if (r == Future.PENDING) {
                f.cancel();
            } else {
                ((Semaphore.Permit) r).close();
            }
        }

        @Operation
        public void tryAcquireAndRelease(@Param(name = "n") int n) {
            semaphore.tryAcquire(n).ifPresent(Semaphore.Permit::close);
        }

        @Validate
        public void everyPermitIsBackAndNoWaiterIsLeft() {
            if (semaphore.availablePermits() != PERMITS) {
                throw new IllegalStateException("permits lost or made up: " + semaphore.availablePermits()
                        + " available, " + PERMITS + " expected");
            }
            if (semaphore.tryAcquire(PERMITS).isEmpty()) {
                throw new IllegalStateException("a waiter was left in the queue");
            }
        }
    }

    @Test
    void noInterleavingLosesAPermitOrLeavesAWaiterUnderModelChecking() {
        TaskQueueLincheckAccess.modelChecking().check(SemaphoreUnderTest.class);
    }

    @Test
    @Tag("stress") // Lincheck on real threads: minutes on 2 cores; ./test.sh -Pstress runs it
    void noInterleavingLosesAPermitOrLeavesAWaiterUnderStress() {
        TaskQueueLincheckAccess.stress().check(SemaphoreUnderTest.class);
    }
}
