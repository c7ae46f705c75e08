package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.runtime.TaskQueueLincheckAccess;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The mutex under Lincheck, through its poll-level API on threads the scenario owns: lockers that poll,
 * poll again and give up (cancel) if still pending, and try-lockers, all racing with each other's
 * unlocks and hand-offs. Inside the lock each one checks that nobody else is inside and bumps a plain,
 * unsynchronized counter; model checking interleaves those accesses too, so a second holder would be
 * caught in the act. After every scenario: the counter equals the number of times the lock was held
 * (no update lost to a race), the lock is free, and no waiter is left queued (a cancelled waiter never
 * swallowed a hand-off). Fairness makes a mutex not linearizable to a plain lock (a try-lock fails
 * while a waiter is queued), so the operations return nothing and these invariants are the check.
 */
class MutexLincheckTest {

    /** The structure under test. */
    public static class MutexUnderTest {
        private final Mutex<int[]> mutex = new Mutex<>(new int[1]);
        private final Context cx = new Context(Waker.noop());
        // Plain fields on purpose: only the mutex orders them.
        private boolean inside;
        private int held;

        @Operation
        public void lockOrGiveUp() {
            Future<Mutex.Guard<int[]>> f = mutex.lock();
            Object r = f.poll(cx);
            if (r == Future.PENDING) {
                r = f.poll(cx); // an unlock may have handed it the lock meanwhile
            }
            if (r == Future.PENDING) {
                f.cancel();
                return;
            }
            @SuppressWarnings("unchecked")
            Mutex.Guard<int[]> g = (Mutex.Guard<int[]>) r;
            critical(g);
        }

        @Operation
        public void tryLock() {
            mutex.tryLock().ifPresent(this::critical);
        }

        private void critical(Mutex.Guard<int[]> g) {
            try (g) {
                if (inside) {
                    throw new IllegalStateException("two holders inside the mutex at once");
                }
                inside = true;
                g.get()[0]++;
                held++;
                inside = false;
            }
        }

        @Validate
        public void everyHoldCountedTheLockIsFreeAndNoWaiterIsLeft() {
            Mutex.Guard<int[]> g = mutex.tryLock().orElseThrow(() ->
                    new IllegalStateException("the mutex is held, or a waiter was left queued, after every locker left"));
            try (g) {
                if (g.get()[0] != held) {
                    throw new IllegalStateException("the counter says " + g.get()[0] + " but the lock was held "
                            + held + " times: an update was lost");
                }
            }
        }
    }

    @Test
    void oneHolderAtATimeAndNoHandOffLostUnderModelChecking() {
        TaskQueueLincheckAccess.modelChecking().check(MutexUnderTest.class);
    }

    @Test
    @Tag("stress") // Lincheck on real threads: minutes on 2 cores; ./test.sh -Pstress runs it
    void oneHolderAtATimeAndNoHandOffLostUnderStress() {
        TaskQueueLincheckAccess.stress().check(MutexUnderTest.class);
    }
}
