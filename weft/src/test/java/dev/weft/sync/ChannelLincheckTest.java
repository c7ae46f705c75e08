package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.runtime.TaskQueueLincheckAccess;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The mpsc and oneshot channels under Lincheck, through their poll-level API on threads the scenario
 * owns. Checked for linearizability against their own sequential behaviour (the class run one
 * operation at a time): for mpsc, a FIFO that several threads send into and one receives from; for
 * oneshot, send-once, receive, and close from both sides in any interleaving. Sends that wait for room
 * and give up are checked for conservation instead: room handed to a waiting sender is invisible to
 * the others until that sender uses it or gives it back, which no sequential queue does (the same
 * holds for Tokio's bounded channel, built like this one on a fair semaphore).
 */
class ChannelLincheckTest {

    /** A bounded mpsc channel: concurrent senders (try-send and a polled send), one receiver. */
    @Param(name = "v", gen = IntGen.class, conf = "1:9")
    public static class MpscUnderTest {
        private final Mpsc<Integer> ch = Mpsc.bounded(2);
        private final Context cx = new Context(Waker.noop());

        @Operation
        public boolean trySend(@Param(name = "v") int v) {
            return ch.sender().trySend(v);
        }

        @Operation(nonParallelGroup = "receiver")
        public Integer tryRecv() {
            return ch.receiver().tryRecv();
        }

        @Operation(nonParallelGroup = "receiver")
        public Object recvOnce() {
            Future<Integer> f = ch.receiver().recv();
            Object r = f.poll(cx);
            if (r == Future.PENDING) {
                f.cancel();
                return "pending";
            }
            return r;
        }
    }

    /** Sends that wait for room and give up, racing with receives: no value or room lost or made up. */
    @Param(name = "v", gen = IntGen.class, conf = "1:9")
    public static class MpscGiveUpUnderTest {
        static final int CAPACITY = 2;
        private final Mpsc<Integer> ch = Mpsc.bounded(CAPACITY);
        private final Context cx = new Context(Waker.noop());
        private final java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();

        /** A send polled twice and given up if it still had to wait: sent or not, never half-sent. */
        @Operation
        public void sendOrGiveUp(@Param(name = "v") int v) {
            Future<Void> f = ch.sender().send(v);
            Object r = f.poll(cx);
            if (r == Future.PENDING) {
                r = f.poll(cx);
            }
            if (r == Future.PENDING) {
                f.cancel();
            } else {
                sent.incrementAndGet();
            }
        }

        @Operation(nonParallelGroup = "receiver")
        public void tryRecv() {
            if (ch.receiver().tryRecv() != null) {
                received.incrementAndGet();
            }
        }

        @org.jetbrains.lincheck.datastructures.Validate
        public void everyValueAndEveryRoomIsAccountedFor() {
            int left = 0;
            while (ch.receiver().tryRecv() != null) {
                left++;
            }
            if (sent.get() != received.get() + left) {
                throw new IllegalStateException(sent.get() + " sent, " + received.get() + " received, " + left
                        + " left: a value was lost or made up");
            }
            for (int i = 0; i < CAPACITY; i++) {
                if (!ch.sender().trySend(i)) {
                    throw new IllegalStateException("the empty channel has room for " + i + " of " + CAPACITY);
                }
            }
            if (ch.sender().trySend(CAPACITY)) {
                throw new IllegalStateException("the channel took more than its capacity");
            }
        }
    }

    /** A oneshot: send, receive and both sides closing, concurrently. */
    @Param(name = "v", gen = IntGen.class, conf = "1:9")
    public static class OneshotUnderTest {
        private final Oneshot<Integer> ch = Oneshot.channel();
        private final Context cx = new Context(Waker.noop());

        @Operation
        public String send(@Param(name = "v") int v) {
            try {
                return ch.sender().send(v) ? "sent" : "receiver closed";
            } catch (IllegalStateException e) {
                return "already sent or closed";
            }
        }

        @Operation
        public void closeSender() {
            ch.sender().close();
        }

        @Operation(nonParallelGroup = "receiver")
        public String poll() {
            try {
                Object r = ch.receiver().poll(cx);
                return r == Future.PENDING ? "pending" : "got " + r;
            } catch (ChannelClosedException e) {
                return "closed";
            } catch (IllegalStateException e) {
                return "already received";
            }
        }

        @Operation(nonParallelGroup = "receiver")
        public String closeReceiver() {
            return ch.receiver().closeAndTake().map(v -> "handed back " + v).orElse("nothing");
        }
    }

    @Test
    void mpscIsALinearizableFifoUnderModelChecking() {
        TaskQueueLincheckAccess.modelChecking().check(MpscUnderTest.class);
    }

    @Test
    @Tag("stress") // Lincheck on real threads: minutes on 2 cores; ./test.sh -Pstress runs it
    void mpscIsALinearizableFifoUnderStress() {
        TaskQueueLincheckAccess.stress().check(MpscUnderTest.class);
    }

    @Test
    void mpscSendsThatGiveUpLoseNothingUnderModelChecking() {
        TaskQueueLincheckAccess.modelChecking().check(MpscGiveUpUnderTest.class);
    }

    @Test
    void oneshotIsLinearizableUnderModelChecking() {
        TaskQueueLincheckAccess.modelChecking().check(OneshotUnderTest.class);
    }
}
