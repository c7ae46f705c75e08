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
 * Notify under Lincheck, through its poll-level API: waiters that poll, poll again and give up
 * (cancel) if still pending, racing with notifyOne. A notifyOne handed to a waiter that then gives up
 * must be passed on, never lost. Checked after every scenario, exactly: every notification sent was
 * consumed by a waiter, or is the stored permit, or was absorbed by a permit already stored (permits
 * coalesce; Notify counts those for this test). Not checked as linearizability: a notification held
 * by a waiter that is giving up reaches the others only when it is passed on, after which a waiter
 * that looked in between has already left; Tokio's Notify behaves the same.
 */
class NotifyLincheckTest {

    /** The structure under test. */
    public static class NotifyUnderTest {
        private final Notify notify = new Notify();
        private final Context cx = new Context(Waker.noop());
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicInteger consumed = new AtomicInteger();

        @Operation
        public void notifyOne() {
            sent.incrementAndGet();
            notify.notifyOne();
        }

        @Operation
        public void waitOrGiveUp() {
            Future<Void> f = notify.notified();
            Object r = f.poll(cx);
            if (r == Future.PENDING) {
                r = f.poll(cx);
            }
            if (r == Future.PENDING) {
                f.cancel();
            } else {
                consumed.incrementAndGet();
            }
        }

        @Validate
        public void everyNotificationIsConsumedStoredOrCoalesced() {
            long coalesced = notify.coalesced();
            int stored = notify.notified().poll(cx) != Future.PENDING ? 1 : 0;
            if (sent.get() != consumed.get() + stored + coalesced) {
                throw new IllegalStateException(sent.get() + " notifications sent, " + consumed.get() + " consumed, "
                        + stored + " stored, " + coalesced + " coalesced: a notification was lost");
            }
        }
    }

    @Test
    void noNotificationIsLostUnderModelChecking() {
        TaskQueueLincheckAccess.modelChecking().check(NotifyUnderTest.class);
    }

    @Test
    @Tag("stress") // Lincheck on real threads: minutes on 2 cores; ./test.sh -Pstress runs it
    void noNotificationIsLostUnderStress() {
        TaskQueueLincheckAccess.stress().check(NotifyUnderTest.class);
    }
}
