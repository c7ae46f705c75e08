package dev.weft.sync;

import static dev.weft.sync.Polls.probe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Polls.Probe;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Oneshot: delivery, and every closing rule (nothing dropped without its owner being told). */
class OneshotTest {

    @Test
    void theValueReachesAReceiverWaitingInAnotherTask() {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            String got = rt.blockOn(Weft.async(() -> {
                Oneshot<String> ch = Oneshot.channel();
                Weft.spawn(() -> {
                    Weft.yieldNow().await();
                    ch.sender().send("reply");
                });
                return ch.receiver().await();
            }));
            assertThat(got).isEqualTo("reply");
        }
    }

    @Test
    void aWaitingReceiverIsWokenBySendAndBySenderClose() {
        Oneshot<Integer> ch = Oneshot.channel();
        Probe<Integer> r = probe(ch.receiver());
        assertThat(r.isPendingNow()).isTrue();
        assertThat(ch.sender().send(7)).isTrue();
        assertThat(r.wakes()).isEqualTo(1);
        assertThat(r.poll()).isEqualTo(7);

        Oneshot<Integer> closed = Oneshot.channel();
        Probe<Integer> r2 = probe(closed.receiver());
        r2.poll();
        closed.sender().close();
        assertThat(r2.wakes()).isEqualTo(1);
        assertThatThrownBy(r2::poll).isInstanceOf(ChannelClosedException.class).hasMessageContaining("without sending");
    }

    @Test
    void aSendToAClosedReceiverReturnsFalseAndTheCallerKeepsTheValue() {
        Oneshot<String> ch = Oneshot.channel();
        Probe<Void> closedSignal = probe(ch.sender().receiverClosed());
        assertThat(closedSignal.isPendingNow()).isTrue();
        ch.receiver().close();
        assertThat(closedSignal.wakes()).isEqualTo(1);
        assertThat(closedSignal.poll()).isNull();
        assertThat(ch.sender().isReceiverClosed()).isTrue();
        assertThat(ch.sender().send("kept")).isFalse();
    }

    @Test
    void aValueThatArrivedBeforeTheReceiverClosedIsHandedBack() {
        Oneshot<String> ch = Oneshot.channel();
        ch.sender().send("in flight");
        assertThat(ch.receiver().closeAndTake()).contains("in flight");
        Oneshot<String> cancelled = Oneshot.channel();
        Probe<String> r = probe(cancelled.receiver());
        r.poll();
        cancelled.sender().send("late");
        r.future.cancel(); // the receiver's owner gave up after the value arrived
        assertThat(cancelled.receiver().tryRecv()).contains("late");
    }

    @Test
    void misuseIsExplained() {
        Oneshot<String> ch = Oneshot.channel();
        ch.sender().send("once");
        assertThatThrownBy(() -> ch.sender().send("twice")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sends once");
        assertThat(ch.receiver().tryRecv()).contains("once");
        assertThat(ch.receiver().tryRecv()).isEqualTo(Optional.empty());
        Oneshot<String> empty = Oneshot.channel();
        assertThat(empty.receiver().tryRecv()).isEmpty();
        empty.sender().close();
        assertThatThrownBy(() -> empty.receiver().tryRecv()).isInstanceOf(ChannelClosedException.class);
    }
}
