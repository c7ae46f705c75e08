package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.runtime.TaskQueueLincheckAccess;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The watch channel under Lincheck, through its poll-level API on threads the scenario owns: sends, the
 * sender closing and borrows from any thread, racing with two receivers, each used by one thread at a
 * time (a receiver belongs to one task), that borrow-and-update, poll a {@code changed()} future (kept
 * while pending, as a task keeps what it awaits) and give it up. Checked for linearizability against
 * {@link Model}: one value, a version that each send bumps, a closed flag, and each receiver's seen
 * version; and, after each scenario, for lost wake-ups: a future still pending and never woken must
 * have no change and no close to report.
 */
class WatchLincheckTest {

    static final String CHANGED = "changed";
    static final String PENDING = "pending";
    static final String CLOSED = "closed";

    /** The channel under test. */
    @Param(name = "v", gen = IntGen.class, conf = "1:9")
    public static class WatchUnderTest {
        private final Watch<Integer> ch = Watch.channel(0);
        private final Waiting a = new Waiting(ch.receiver());
        private final Waiting b = new Waiting(ch.sender().subscribe());

        @Operation
        public String send(@Param(name = "v") int v) {
            try {
                return ch.sender().send(v) ? "sent" : "no receivers";
            } catch (IllegalStateException e) {
                return CLOSED;
            }
        }

        @Operation
        public void closeSender() {
            ch.sender().close();
        }

        @Operation
        public int borrow() {
            return ch.sender().borrow();
        }

        @Operation(nonParallelGroup = "a")
        public String changedA() {
            return a.pollChanged();
        }

        @Operation(nonParallelGroup = "a")
        public void giveUpA() {
            a.giveUp();
        }

        @Operation(nonParallelGroup = "a")
        public int borrowAndUpdateA() {
            return a.rx.borrowAndUpdate();
        }

        @Operation(nonParallelGroup = "b")
        public String changedB() {
            return b.pollChanged();
        }

        @Operation(nonParallelGroup = "b")
        public void giveUpB() {
            b.giveUp();
        }

        @Operation(nonParallelGroup = "b")
        public int borrowAndUpdateB() {
            return b.rx.borrowAndUpdate();
        }

        /** No lost wake-up: a receiver left waiting, and never woken, has nothing new to be woken for. */
        @Validate
        public void aWaiterThatWasNotWokenHasNothingToWakeFor() {
            a.checkNotForgotten();
            b.checkNotForgotten();
        }
    }

    /**
     * A receiver's changed() future, kept across operations while it is pending (as a task keeps the
     * future it awaits), with a waker that records whether it was woken.
     */
    static final class Waiting {
        final Watch.Receiver<Integer> rx;
        private Future<Void> changed;
        private final AtomicBoolean woken = new AtomicBoolean();
        private final Context cx = new Context(() -> woken.set(true));

        Waiting(Watch.Receiver<Integer> rx) {
            this.rx = rx;
        }

        String pollChanged() {
            if (changed == null) {
                changed = rx.changed();
                woken.set(false);
            }
            try {
                if (changed.poll(cx) == Future.PENDING) {
                    return PENDING;
                }
                changed = null;
                return CHANGED;
            } catch (ChannelClosedException e) {
                changed = null;
                return CLOSED;
            }
        }

        void giveUp() {
            if (changed != null) {
                changed.cancel();
                changed = null;
            }
        }

        void checkNotForgotten() {
            if (changed == null || woken.get()) {
                return;
            }
            boolean somethingToReport;
            try {
                somethingToReport = rx.hasChanged();
            } catch (ChannelClosedException e) {
                somethingToReport = true;
            }
            if (somethingToReport) {
                throw new IllegalStateException("a pending changed() was never woken, and a change or the close"
                        + " is there for it: a lost wake-up");
            }
        }
    }

    /** The sequential model the channel must be linearizable to. */
    public static class Model {
        private int value;
        private long version;
        private boolean closed;
        private static final int A = 0;
        private static final int B = 1;
        /** The version each receiver has seen. */
        private final long[] seen = new long[2];

        public String send(int v) {
            if (closed) {
                return CLOSED;
            }
            value = v;
            version++;
            return "sent";
        }

        public void closeSender() {
            closed = true;
        }

        public int borrow() {
            return value;
        }

        public String changedA() {
            return changed(A);
        }

        public void giveUpA() {
        }

        public int borrowAndUpdateA() {
            return borrowAndUpdate(A);
        }

        public String changedB() {
            return changed(B);
        }

        public void giveUpB() {
        }

        public int borrowAndUpdateB() {
            return borrowAndUpdate(B);
        }

        private String changed(int rx) {
            if (seen[rx] != version) {
                seen[rx] = version;
                return CHANGED;
            }
            return closed ? CLOSED : PENDING;
        }

        private int borrowAndUpdate(int rx) {
            seen[rx] = version;
            return value;
        }
    }

    @Test
    void watchIsLinearizableUnderModelChecking() {
        TaskQueueLincheckAccess.modelChecking().sequentialSpecification(Model.class).check(WatchUnderTest.class);
    }

    @Test
    @Tag("stress") // Lincheck on real threads: minutes on 2 cores; ./test.sh -Pstress runs it
    void watchIsLinearizableUnderStress() {
        TaskQueueLincheckAccess.stress().sequentialSpecification(Model.class).check(WatchUnderTest.class);
    }
}
