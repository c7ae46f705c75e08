package dev.weft.sync;

import static dev.weft.sync.Polls.probe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Coop;
import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Polls.Probe;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The broadcast channel: fan-out, lag, every closing rule, release of read values, cancel safety, stress. */
class BroadcastTest {

    private static <T> Object recvNow(Broadcast.Receiver<T> rx) {
        return probe(rx.recv()).poll();
    }

    @Test
    void everyReceiverGetsEveryValueInOrder() {
        Broadcast<Integer> ch = Broadcast.channel(8);
        List<Broadcast.Receiver<Integer>> rxs = List.of(ch.sender().subscribe(), ch.sender().subscribe(),
                ch.sender().subscribe());
        for (int i = 0; i < 5; i++) {
            assertThat(ch.sender().send(i)).as("receivers the send reaches").isEqualTo(3);
        }
        for (Broadcast.Receiver<Integer> rx : rxs) {
            assertThat(rx.len()).isEqualTo(5);
            List<Object> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                got.add(recvNow(rx));
            }
            assertThat(got).containsExactly(0, 1, 2, 3, 4);
            assertThat(rx.isEmpty()).isTrue();
            assertThat(probe(rx.recv()).isPendingNow()).isTrue();
            assertThat(rx.tryRecv()).isEmpty();
        }
    }

    @Test
    void aSubscriberSeesOnlyValuesSentAfterItSubscribed() {
        Broadcast<String> ch = Broadcast.channel(8);
        Broadcast.Receiver<String> early = ch.sender().subscribe();
        ch.sender().send("before");
        Broadcast.Receiver<String> late = ch.sender().subscribe();
        Broadcast.Receiver<String> resubscribed = early.resubscribe();
        ch.sender().send("after");
        assertThat(recvNow(late)).isEqualTo("after");
        assertThat(late.tryRecv()).isEmpty();
        assertThat(recvNow(resubscribed)).isEqualTo("after");
        assertThat(recvNow(early)).isEqualTo("before");
        assertThat(recvNow(early)).isEqualTo("after");
    }

    @Test
    void aReceiverThatFellBehindIsToldHowManyItMissedThenGoesOnFromTheOldestKept() {
        Broadcast<Integer> ch = Broadcast.channel(3);
        assertThat(ch.capacity()).as("rounded up to a power of two").isEqualTo(4);
        Broadcast.Receiver<Integer> slow = ch.sender().subscribe();
        Broadcast.Receiver<Integer> trying = ch.sender().subscribe();
        for (int i = 0; i < 4 + 3; i++) {
            ch.sender().send(i);
        }
        assertThat(slow.len()).as("more than the capacity: it lagged").isEqualTo(7);
        assertThatThrownBy(() -> recvNow(slow)).isInstanceOf(Broadcast.LaggedException.class)
                .satisfies(e -> assertThat(((Broadcast.LaggedException) e).missed()).isEqualTo(3))
                .hasMessageContaining("3 values");
        assertThat(slow.len()).isEqualTo(4);
        for (int i = 3; i < 7; i++) {
            assertThat(recvNow(slow)).isEqualTo(i);
        }
        assertThatThrownBy(trying::tryRecv).isInstanceOf(Broadcast.LaggedException.class)
                .satisfies(e -> assertThat(((Broadcast.LaggedException) e).missed()).isEqualTo(3));
        assertThat(trying.tryRecv()).contains(3);
    }

    @Test
    void aLagWhileWaitingIsReportedWhenTheReceiverLooksAgain() {
        Broadcast<Integer> ch = Broadcast.channel(2);
        Broadcast.Receiver<Integer> rx = ch.sender().subscribe();
        Probe<Integer> waiting = probe(rx.recv());
        assertThat(waiting.isPendingNow()).isTrue();
        for (int i = 0; i < 5; i++) {
            ch.sender().send(i);
        }
        assertThat(waiting.wakes()).as("woken once, by the first send").isEqualTo(1);
        assertThatThrownBy(waiting::poll).isInstanceOf(Broadcast.LaggedException.class)
                .satisfies(e -> assertThat(((Broadcast.LaggedException) e).missed()).isEqualTo(3));
        assertThat(recvNow(rx)).isEqualTo(3);
    }

    @Test
    void aSendWithNoReceiversHandsTheValueBack() {
        Broadcast<String> ch = Broadcast.channel(4);
        assertThatThrownBy(() -> ch.sender().send("nobody")).isInstanceOf(ChannelClosedException.class)
                .hasMessageContaining("no receivers")
                .satisfies(e -> assertThat(((ChannelClosedException) e).<String>unsent()).isEqualTo("nobody"));
        Broadcast.Receiver<String> rx = ch.sender().subscribe();
        assertThat(ch.sender().receiverCount()).isEqualTo(1);
        assertThat(ch.sender().send("someone")).isEqualTo(1);
        rx.close();
        assertThat(ch.sender().receiverCount()).isZero();
        assertThatThrownBy(() -> ch.sender().send("gone"))
                .satisfies(e -> assertThat(((ChannelClosedException) e).<String>unsent()).isEqualTo("gone"));
        assertThat(ch.retained()).as("what the closed receiver had not read is released").isZero();
    }

    @Test
    void whenEverySenderClosesReceiversGetWhatIsKeptThenNull() {
        Broadcast<Integer> ch = Broadcast.channel(4);
        Broadcast.Sender<Integer> second = ch.sender().duplicate();
        Broadcast.Receiver<Integer> rx = ch.sender().subscribe();
        Broadcast.Receiver<Integer> lagging = ch.sender().subscribe();
        for (int i = 0; i < 6; i++) {
            second.send(i);
            assertThat(recvNow(rx)).isEqualTo(i);
        }
        Probe<Integer> waiting = probe(rx.recv());
        assertThat(waiting.isPendingNow()).isTrue();
        ch.sender().close();
        assertThat(waiting.wakes()).as("one sender is still open").isZero();
        assertThat(rx.isClosed()).isFalse();
        second.close();
        assertThat(waiting.wakes()).isEqualTo(1);
        assertThat(rx.isClosed()).isTrue();
        assertThat(waiting.poll()).isNull();
        assertThatThrownBy(rx::tryRecv).isInstanceOf(ChannelClosedException.class);

        assertThatThrownBy(() -> recvNow(lagging)).isInstanceOf(Broadcast.LaggedException.class);
        List<Object> rest = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rest.add(recvNow(lagging));
        }
        assertThat(rest).containsExactly(2, 3, 4, 5);
        assertThat(recvNow(lagging)).isNull();
    }

    @Test
    void aValueIsReleasedOnceEveryReceiverCountedAtItsSendHasReadItOrClosed() {
        Broadcast<String> ch = Broadcast.channel(4);
        Broadcast.Receiver<String> a = ch.sender().subscribe();
        Broadcast.Receiver<String> b = ch.sender().subscribe();
        ch.sender().send("v0");
        ch.sender().send("v1");
        Broadcast.Receiver<String> late = ch.sender().subscribe(); // not counted for v0 and v1
        ch.sender().send("v2");
        assertThat(ch.retained()).isEqualTo(3);
        recvNow(a);
        recvNow(a);
        assertThat(ch.retained()).as("b has read none").isEqualTo(3);
        recvNow(b);
        assertThat(ch.retained()).as("v0 read by a and b").isEqualTo(2);
        b.close();
        assertThat(ch.retained()).as("v1 needed by b alone").isEqualTo(1);
        recvNow(a);
        assertThat(ch.retained()).as("v2 still needed by late").isEqualTo(1);
        late.close();
        assertThat(ch.retained()).isZero();
        assertThat(a.tryRecv()).isEmpty();
    }

    @Test
    void overwrittenValuesAreNotKeptEitherAndClosingALaggedReceiverReleasesTheRest() {
        Broadcast<Integer> ch = Broadcast.channel(2);
        Broadcast.Receiver<Integer> reader = ch.sender().subscribe();
        Broadcast.Receiver<Integer> idle = ch.sender().subscribe();
        for (int i = 0; i < 10; i++) {
            ch.sender().send(i);
            assertThat(recvNow(reader)).isEqualTo(i);
        }
        assertThat(ch.retained()).as("the ring holds the capacity at most").isEqualTo(2);
        idle.close();
        assertThat(ch.retained()).isZero();
    }

    @Test
    void aCancelledReceiveConsumesNothingAndLeavesTheWaitList() {
        Broadcast<String> ch = Broadcast.channel(4);
        Broadcast.Receiver<String> rx = ch.sender().subscribe();
        Probe<String> cancelled = probe(rx.recv());
        assertThat(cancelled.isPendingNow()).isTrue();
        assertThat(ch.waiting()).isEqualTo(1);
        cancelled.future.cancel();
        assertThat(ch.waiting()).isZero();
        ch.sender().send("kept");
        assertThat(cancelled.wakes()).as("no longer waiting").isZero();
        assertThat(recvNow(rx)).isEqualTo("kept");
    }

    @Test
    void aSendWakesEveryWaitingReceiver() {
        Broadcast<String> ch = Broadcast.channel(4);
        List<Probe<String>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Probe<String> p = probe(ch.sender().subscribe().recv());
            assertThat(p.isPendingNow()).isTrue();
            assertThat(p.isPendingNow()).as("polled again: still one place in the list").isTrue();
            waiting.add(p);
        }
        assertThat(ch.waiting()).isEqualTo(3);
        ch.sender().send("news");
        assertThat(ch.waiting()).isZero();
        for (Probe<String> p : waiting) {
            assertThat(p.wakes()).isEqualTo(1);
            assertThat(p.poll()).isEqualTo("news");
        }
        ch.sender().send("more");
        assertThat(waiting).allSatisfy(p -> assertThat(p.wakes()).as("done waiting").isEqualTo(1));
    }

    @Test
    void receivingSpendsTheCooperativeBudget() {
        Broadcast<Integer> ch = Broadcast.channel(8);
        Broadcast.Receiver<Integer> rx = ch.sender().subscribe();
        for (int i = 0; i < 5; i++) {
            ch.sender().send(i);
        }
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            int spent = rt.blockOn(Weft.async(() -> {
                Weft.yieldNow().await();
                int before = Coop.remaining();
                for (int i = 0; i < 5; i++) {
                    rx.recv().await();
                }
                return before - Coop.remaining();
            }));
            assertThat(spent).isEqualTo(5);
        }
    }

    @Test
    void misuseIsExplained() {
        assertThatThrownBy(() -> Broadcast.channel(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 1 and");
        Broadcast<String> ch = Broadcast.channel(1);
        assertThat(ch.capacity()).isEqualTo(1);
        Broadcast.Receiver<String> rx = ch.sender().subscribe();
        assertThatThrownBy(() -> ch.sender().send(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null means closed");
        Broadcast.Sender<String> s = ch.sender().duplicate();
        s.close();
        assertThatThrownBy(() -> s.send("x")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(s::subscribe).isInstanceOf(IllegalStateException.class);
        rx.close();
        rx.close();
        assertThatThrownBy(rx::recv).isInstanceOf(IllegalStateException.class).hasMessageContaining("subscribe()");
        assertThatThrownBy(rx::tryRecv).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up fails, not hangs
    void manyReceiversAcrossTwoWorkersEachGetAHundredThousandValuesInOrder() {
        int receivers = 8;
        int values = 100_000;
        int capacity = 16;
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            long[] sums = rt.blockOn(Weft.async(() -> {
                Broadcast<Integer> ch = Broadcast.channel(capacity);
                // Each receiver lends the sender room for `capacity` values, so the sender never
                // overwrites a value one of them has not read: any lag is a bug.
                List<Semaphore> room = new ArrayList<>();
                List<JoinHandle<Long>> tasks = new ArrayList<>();
                for (int r = 0; r < receivers; r++) {
                    Semaphore mine = new Semaphore(capacity);
                    room.add(mine);
                    Broadcast.Receiver<Integer> rx = ch.sender().subscribe();
                    tasks.add(Weft.spawn(() -> {
                        try (rx) {
                            long sum = 0;
                            int expected = 0;
                            Integer v;
                            while ((v = rx.recv().await()) != null) {
                                if (v != expected) {
                                    throw new AssertionError("got " + v + ", expected " + expected);
                                }
                                expected++;
                                sum += v;
                                mine.addPermits(1);
                            }
                            return sum;
                        }
                    }));
                }
                Broadcast.Sender<Integer> tx = ch.sender();
                try (tx) {
                    for (int i = 0; i < values; i++) {
                        for (Semaphore s : room) {
                            s.acquire().await().forget();
                        }
                        tx.send(i);
                    }
                }
                long[] out = new long[receivers];
                for (int r = 0; r < receivers; r++) {
                    out[r] = tasks.get(r).await();
                }
                assertThat(ch.retained()).isZero();
                return out;
            }));
            long expected = (long) values * (values - 1) / 2;
            for (long sum : sums) {
                assertThat(sum).isEqualTo(expected);
            }
        }
    }
}
