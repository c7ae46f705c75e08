package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.runtime.TaskQueueLincheckAccess;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The broadcast channel under Lincheck, through its poll-level API on threads the scenario owns: sends
 * from any thread, the sender closing, and two receivers (each used by one thread at a time, as the
 * API asks) receiving by try-receive and by a receive polled once and cancelled if pending; the second
 * receiver may close. Checked for linearizability against {@link RingModel}, a sequential ring of
 * {@value #CAPACITY} values in which a receiver that fell behind is told how many it missed and goes on
 * from the oldest value kept. After every scenario, the values still held by the ring must be exactly
 * those some open receiver has yet to read.
 */
class BroadcastLincheckTest {
    static final int CAPACITY = 2;

    /** The channel under test. */
    @Param(name = "v", gen = IntGen.class, conf = "1:9")
    public static class BroadcastUnderTest {
        private final Broadcast<Integer> ch = Broadcast.channel(CAPACITY);
        private final Broadcast.Receiver<Integer> a = ch.sender().subscribe();
        private final Broadcast.Receiver<Integer> b = ch.sender().subscribe();
        private final Context cx = new Context(Waker.noop());
        private boolean bClosed; // written and read by the thread that runs b's operations, then by validate

        @Operation
        public String send(@Param(name = "v") int v) {
            try {
                return "reached " + ch.sender().send(v);
            } catch (ChannelClosedException e) {
                return "no receivers";
            } catch (IllegalStateException e) {
                return "sender closed";
            }
        }

        @Operation
        public void closeSender() {
            ch.sender().close();
        }

        @Operation(nonParallelGroup = "a")
        public String tryRecvA() {
            return tryRecv(a);
        }

        @Operation(nonParallelGroup = "a")
        public String recvOnceA() {
            return recvOnce(a);
        }

        @Operation(nonParallelGroup = "b")
        public String tryRecvB() {
            return bClosed ? "receiver closed" : tryRecv(b);
        }

        @Operation(nonParallelGroup = "b")
        public String recvOnceB() {
            return bClosed ? "receiver closed" : recvOnce(b);
        }

        @Operation(nonParallelGroup = "b")
        public void closeB() {
            b.close();
            bClosed = true;
        }

        private static String tryRecv(Broadcast.Receiver<Integer> rx) {
            try {
                return rx.tryRecv().map(v -> "got " + v).orElse("empty");
            } catch (Broadcast.LaggedException e) {
                return "lagged " + e.missed();
            } catch (ChannelClosedException e) {
                return "closed";
            }
        }

        private String recvOnce(Broadcast.Receiver<Integer> rx) {
            Future<Integer> f = rx.recv();
            try {
                Object r = f.poll(cx);
                if (r == Future.PENDING) {
                    f.cancel();
                    return "empty";
                }
                return r == null ? "closed" : "got " + r;
            } catch (Broadcast.LaggedException e) {
                return "lagged " + e.missed();
            }
        }

        @Validate
        public void theRingHoldsExactlyWhatAnOpenReceiverHasYetToRead() {
            long needed = Math.min(CAPACITY, a.len());
            if (!bClosed) {
                needed = Math.max(needed, Math.min(CAPACITY, b.len()));
            }
            if (ch.waiting() != 0) {
                throw new IllegalStateException(ch.waiting() + " receives given up are still in the wait list");
            }
            if (ch.retained() != needed) {
                throw new IllegalStateException("the ring holds " + ch.retained() + " values; the open receivers"
                        + " have yet to read " + needed + " of those it can hold");
            }
        }
    }

    /** The sequential behaviour: every value sent, each receiver's position, the last CAPACITY kept. */
    public static class RingModel {
        private final List<Integer> sent = new ArrayList<>();
        private final long[] next = new long[2];
        private boolean bClosed;
        private boolean senderClosed;

        public String send(int v) {
            if (senderClosed) {
                return "sender closed";
            }
            int receivers = bClosed ? 1 : 2;
            sent.add(v);
            return "reached " + receivers;
        }

        public void closeSender() {
            senderClosed = true;
        }

        public String tryRecvA() {
            return recv(0);
        }

        public String recvOnceA() {
            return recv(0);
        }

        public String tryRecvB() {
            return bClosed ? "receiver closed" : recv(1);
        }

        public String recvOnceB() {
            return bClosed ? "receiver closed" : recv(1);
        }

        public void closeB() {
            bClosed = true;
        }

        private String recv(int r) {
            long tail = sent.size();
            if (next[r] == tail) {
                return senderClosed ? "closed" : "empty";
            }
            long oldest = Math.max(0, tail - CAPACITY);
            if (next[r] < oldest) {
                long missed = oldest - next[r];
                next[r] = oldest;
                return "lagged " + missed;
            }
            return "got " + sent.get((int) next[r]++);
        }
    }

    @Test
    void broadcastIsALinearizableRingWithLagUnderModelChecking() {
        TaskQueueLincheckAccess.modelChecking().sequentialSpecification(RingModel.class)
                .check(BroadcastUnderTest.class);
    }

    @Test
    @Tag("stress") // Lincheck on real threads: minutes on 2 cores; ./test.sh -Pstress runs it
    void broadcastIsALinearizableRingWithLagUnderStress() {
        TaskQueueLincheckAccess.stress().sequentialSpecification(RingModel.class).check(BroadcastUnderTest.class);
    }
}
