package dev.weft.sync;

import static dev.weft.sync.Polls.probe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Polls.Probe;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mpsc channel: order, backpressure, every closing rule, cancel safety, and a long stress. */
class MpscTest {

    @Test
    void valuesArriveInOrderAndRecvGivesNullOnceEverySenderClosed() {
        Mpsc<Integer> ch = Mpsc.unbounded();
        Mpsc.Sender<Integer> second = ch.sender().duplicate();
        for (int i = 0; i < 5; i++) {
            assertThat(ch.sender().trySend(i)).isTrue();
        }
        ch.sender().close();
        List<Object> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            got.add(probe(ch.receiver().recv()).poll());
        }
        assertThat(got).containsExactly(0, 1, 2, 3, 4);
        Probe<Integer> waiting = probe(ch.receiver().recv());
        assertThat(waiting.isPendingNow()).as("one sender is still open").isTrue();
        second.close();
        assertThat(waiting.wakes()).isEqualTo(1);
        assertThat(waiting.poll()).isNull();
        assertThatThrownBy(() -> ch.receiver().tryRecv()).isInstanceOf(ChannelClosedException.class);
    }

    @Test
    void aFullBoundedChannelMakesSendersWaitUntilTheReceiverMakesRoom() {
        Mpsc<String> ch = Mpsc.bounded(2);
        assertThat(ch.sender().trySend("a")).isTrue();
        assertThat(ch.sender().trySend("b")).isTrue();
        assertThat(ch.sender().trySend("c")).as("full").isFalse();
        Probe<Void> send = probe(ch.sender().send("c"));
        assertThat(send.isPendingNow()).isTrue();
        assertThat(ch.receiver().tryRecv()).isEqualTo("a");
        assertThat(send.wakes()).isEqualTo(1);
        assertThat(send.poll()).isNull();
        List<String> rest = new ArrayList<>();
        assertThat(probe(ch.receiver().recvMany(rest, 10)).poll()).isEqualTo(2);
        assertThat(rest).containsExactly("b", "c");
    }

    @Test
    void whenTheReceiverClosesSendsFailCarryingTheirValueAndQueuedValuesStayReceivable() {
        Mpsc<String> ch = Mpsc.bounded(1);
        ch.sender().trySend("queued");
        Probe<Void> waitingSend = probe(ch.sender().send("waiting"));
        assertThat(waitingSend.isPendingNow()).isTrue();
        ch.receiver().close();
        assertThat(waitingSend.wakes()).isEqualTo(1);
        assertThatThrownBy(waitingSend::poll).isInstanceOf(ChannelClosedException.class)
                .satisfies(e -> assertThat(((ChannelClosedException) e).<String>unsent()).isEqualTo("waiting"));
        assertThatThrownBy(() -> ch.sender().trySend("late"))
                .satisfies(e -> assertThat(((ChannelClosedException) e).<String>unsent()).isEqualTo("late"));
        assertThat(ch.sender().isReceiverClosed()).isTrue();
        assertThat(ch.receiver().tryRecv()).isEqualTo("queued");
    }

    @Test
    void aCancelledReceiveLosesNothing() {
        Mpsc<String> ch = Mpsc.unbounded();
        Probe<String> first = probe(ch.receiver().recv());
        assertThat(first.isPendingNow()).isTrue();
        first.future.cancel();
        ch.sender().trySend("kept");
        assertThat(probe(ch.receiver().recv()).poll()).isEqualTo("kept");
    }

    @Test
    void aCancelledSendSendsNothingAndGivesUpItsPlace() {
        Mpsc<String> ch = Mpsc.bounded(1);
        ch.sender().trySend("a");
        Probe<Void> cancelled = probe(ch.sender().send("never"));
        Probe<Void> next = probe(ch.sender().send("b"));
        cancelled.poll();
        next.poll();
        cancelled.future.cancel();
        assertThat(ch.receiver().tryRecv()).isEqualTo("a");
        assertThat(next.wakes()).isEqualTo(1);
        assertThat(next.poll()).isNull();
        assertThat(ch.receiver().tryRecv()).isEqualTo("b");
        assertThat(ch.receiver().tryRecv()).isNull();
    }

    @Test
    void aSendCancelledAfterRoomWasHandedToItPassesTheRoomOn() {
        Mpsc<String> ch = Mpsc.bounded(1);
        ch.sender().trySend("a");
        Probe<Void> handed = probe(ch.sender().send("never"));
        Probe<Void> next = probe(ch.sender().send("b"));
        handed.poll();
        next.poll();
        assertThat(ch.receiver().tryRecv()).isEqualTo("a"); // the room goes to `handed`
        assertThat(handed.wakes()).isEqualTo(1);
        assertThat(next.wakes()).isZero();

        handed.future.cancel(); // before it used the room

        assertThat(next.wakes()).isEqualTo(1);
        assertThat(next.poll()).isNull();
        assertThat(ch.receiver().tryRecv()).isEqualTo("b");
        assertThat(ch.receiver().tryRecv()).as("the cancelled value was never sent").isNull();
    }

    @Test
    void waitingSendersGetRoomInTheOrderTheyWaitedAndATrySendDoesNotJumpTheLine() {
        Mpsc<Integer> ch = Mpsc.bounded(1);
        ch.sender().trySend(0);
        List<Probe<Void>> waiting = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Probe<Void> p = probe(ch.sender().send(i));
            assertThat(p.isPendingNow()).isTrue();
            waiting.add(p);
        }
        List<Integer> received = new ArrayList<>();
        received.add(ch.receiver().tryRecv()); // room goes to the first waiter, not to the free pool
        assertThat(ch.sender().trySend(99)).as("a try-send behind waiting senders").isFalse();
        for (Probe<Void> p : waiting) {
            assertThat(p.wakes()).isEqualTo(1);
            assertThat(p.poll()).isNull();
            received.add(ch.receiver().tryRecv());
        }
        assertThat(received).containsExactly(0, 1, 2, 3);
    }

    @Test
    void receivingManyHandsRoomToAsManyWaitingSenders() {
        Mpsc<Integer> ch = Mpsc.bounded(2);
        ch.sender().trySend(0);
        ch.sender().trySend(1);
        Probe<Void> a = probe(ch.sender().send(2));
        Probe<Void> b = probe(ch.sender().send(3));
        Probe<Void> c = probe(ch.sender().send(4));
        a.poll();
        b.poll();
        c.poll();
        List<Integer> got = new ArrayList<>();
        assertThat(probe(ch.receiver().recvMany(got, 10)).poll()).isEqualTo(2);
        assertThat(List.of(a.wakes(), b.wakes(), c.wakes())).containsExactly(1, 1, 0);
        assertThat(a.poll()).isNull();
        assertThat(b.poll()).isNull();
        assertThat(c.isPendingNow()).isTrue();
    }

    @Test
    void misuseIsExplained() {
        Mpsc<String> ch = Mpsc.unbounded();
        assertThatThrownBy(() -> ch.sender().trySend(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null means closed");
        assertThatThrownBy(() -> Mpsc.bounded(0)).isInstanceOf(IllegalArgumentException.class);
        Mpsc.Sender<String> s = ch.sender();
        s.close();
        assertThatThrownBy(() -> s.send("x")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void millionsOfValuesFromFourProducersAcrossTwoWorkersArriveWithNoLostWakeUp() {
        int producers = 4;
        int each = 500_000;
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            long[] result = rt.blockOn(Weft.async(() -> {
                Mpsc<Long> ch = Mpsc.bounded(64);
                List<JoinHandle<Void>> tasks = new ArrayList<>();
                for (int p = 0; p < producers; p++) {
                    Mpsc.Sender<Long> tx = ch.sender().duplicate();
                    long base = (long) p * each;
                    tasks.add(Weft.spawn(() -> {
                        try (tx) {
                            for (long i = 0; i < each; i++) {
                                tx.send(base + i).await();
                            }
                        }
                    }));
                }
                ch.sender().close();
                JoinHandle<long[]> consumer = Weft.spawn(() -> {
                    long sum = 0;
                    long count = 0;
                    long[] lastPerProducer = new long[producers];
                    java.util.Arrays.fill(lastPerProducer, -1);
                    Long v;
                    while ((v = ch.receiver().recv().await()) != null) {
                        int p = (int) (v / each);
                        if (v <= lastPerProducer[p]) {
                            throw new AssertionError("out of order from producer " + p);
                        }
                        lastPerProducer[p] = v;
                        sum += v;
                        count++;
                    }
                    return new long[] {count, sum};
                });
                for (JoinHandle<Void> t : tasks) {
                    t.await();
                }
                return consumer.await();
            }));
            long n = (long) producers * each;
            assertThat(result[0]).isEqualTo(n);
            assertThat(result[1]).isEqualTo(n * (n - 1) / 2);
        }
    }
}
