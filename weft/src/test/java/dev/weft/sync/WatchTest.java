package dev.weft.sync;

import static dev.weft.sync.Polls.probe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Context;
import dev.weft.Coop;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Polls.Probe;
import dev.weft.time.Timeout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The watch channel: versions and what counts as seen, every sending shape, the closing rules, cancel safety. */
class WatchTest {
    static final int BURST = 100;

    @Test
    void theFirstReceiverHasSeenTheInitialValue() {
        Watch<String> ch = Watch.channel("initial");
        assertThat(ch.receiver().borrow()).isEqualTo("initial");
        assertThat(ch.receiver().hasChanged()).isFalse();
        assertThat(probe(ch.receiver().changed()).isPendingNow()).isTrue();
    }

    @Test
    void aSendWakesAWaitingChangedWhichMarksTheNewValueSeen() {
        Watch<String> ch = Watch.channel("a");
        Probe<Void> changed = probe(ch.receiver().changed());
        assertThat(changed.isPendingNow()).isTrue();
        assertThat(ch.sender().send("b")).as("a receiver is open").isTrue();
        assertThat(changed.wakes()).isEqualTo(1);
        assertThat(changed.poll()).isNull();
        assertThat(ch.receiver().borrow()).isEqualTo("b");
        assertThat(ch.receiver().hasChanged()).as("changed() marked it seen").isFalse();
        assertThat(probe(ch.receiver().changed()).isPendingNow()).isTrue();
    }

    @Test
    void severalSendsBeforeTheReceiverLooksCountAsOneChangeAndOneWake() {
        Watch<Integer> ch = Watch.channel(0);
        Probe<Void> changed = probe(ch.receiver().changed());
        assertThat(changed.isPendingNow()).isTrue();
        for (int i = 1; i <= 3; i++) {
            ch.sender().send(i);
        }
        assertThat(changed.wakes()).as("the first send took the waiter out of the list").isEqualTo(1);
        assertThat(changed.poll()).isNull();
        assertThat(ch.receiver().borrowAndUpdate()).isEqualTo(3);
        assertThat(probe(ch.receiver().changed()).isPendingNow()).isTrue();
    }

    @Test
    void borrowLeavesTheValueUnseenAndBorrowAndUpdateMarksItSeen() {
        Watch<String> ch = Watch.channel("a");
        ch.sender().send("b");
        assertThat(ch.receiver().borrow()).isEqualTo("b");
        assertThat(ch.receiver().hasChanged()).isTrue();
        assertThat(ch.receiver().borrowAndUpdate()).isEqualTo("b");
        assertThat(ch.receiver().hasChanged()).isFalse();
        assertThat(ch.sender().borrow()).isEqualTo("b");
    }

    @Test
    void markChangedMakesTheNextChangedCompleteAndMarkUnchangedMakesItWait() {
        Watch<String> ch = Watch.channel("a");
        ch.receiver().markChanged();
        assertThat(ch.receiver().hasChanged()).isTrue();
        assertThat(probe(ch.receiver().changed()).poll()).isNull();
        assertThat(ch.receiver().hasChanged()).isFalse();

        ch.sender().send("b");
        ch.receiver().markUnchanged();
        assertThat(ch.receiver().hasChanged()).isFalse();
        assertThat(probe(ch.receiver().changed()).isPendingNow()).isTrue();
        assertThat(ch.receiver().borrow()).isEqualTo("b");
    }

    @Test
    void sendIfModifiedThatChangesNothingWakesNobody() {
        Watch<Integer> ch = Watch.channel(5);
        Probe<Void> changed = probe(ch.receiver().changed());
        assertThat(changed.isPendingNow()).isTrue();
        assertThat(ch.sender().sendIfModified(n -> n < 5 ? n + 1 : n)).isFalse();
        assertThat(changed.wakes()).isZero();
        assertThat(changed.isPendingNow()).isTrue();
        assertThat(ch.receiver().hasChanged()).isFalse();

        assertThat(ch.sender().sendIfModified(n -> n + 1)).isTrue();
        assertThat(changed.wakes()).isEqualTo(1);
        assertThat(changed.poll()).isNull();
        assertThat(ch.receiver().borrow()).isEqualTo(6);
    }

    @Test
    void sendModifyAlwaysCountsAsAChangeAndSendReplaceReturnsTheOldValue() {
        Watch<Integer> ch = Watch.channel(1);
        Probe<Void> changed = probe(ch.receiver().changed());
        changed.poll();
        ch.sender().sendModify(n -> n);
        assertThat(changed.wakes()).isEqualTo(1);
        assertThat(changed.poll()).as("the same value, published again").isNull();

        assertThat(ch.sender().sendReplace(2)).isEqualTo(1);
        ch.sender().sendModify(n -> n * 10);
        assertThat(ch.receiver().borrowAndUpdate()).isEqualTo(20);
    }

    @Test
    void waitForReturnsTheCurrentValueWhenItQualifiesOrWaitsForALaterOne() {
        Watch<Integer> ch = Watch.channel(1);
        assertThat(probe(ch.receiver().waitFor(n -> n >= 1)).poll()).as("current, though seen").isEqualTo(1);

        Probe<Integer> three = probe(ch.receiver().waitFor(n -> n >= 3));
        assertThat(three.isPendingNow()).isTrue();
        ch.sender().send(2);
        assertThat(three.wakes()).isEqualTo(1);
        assertThat(three.isPendingNow()).as("2 does not qualify").isTrue();
        assertThat(ch.receiver().hasChanged()).as("waitFor marked 2 seen").isFalse();
        ch.sender().send(3);
        assertThat(three.wakes()).isEqualTo(2);
        assertThat(three.poll()).isEqualTo(3);
        assertThat(ch.receiver().hasChanged()).isFalse();
    }

    @Test
    void afterTheSenderClosesChangedReportsTheUnseenValueOnceThenFails() {
        Watch<String> ch = Watch.channel("a");
        Watch.Receiver<String> rx = ch.receiver();
        ch.sender().send("last");
        ch.sender().close();
        assertThat(rx.hasChanged()).as("the last value is still unseen").isTrue();
        assertThat(probe(rx.changed()).poll()).isNull();
        assertThat(rx.borrow()).isEqualTo("last");
        assertThatThrownBy(() -> probe(rx.changed()).poll()).isInstanceOf(ChannelClosedException.class)
                .hasMessageContaining("sender has closed");
        assertThatThrownBy(rx::hasChanged).isInstanceOf(ChannelClosedException.class);
        assertThat(probe(rx.waitFor("last"::equals)).poll()).as("the current value qualifies").isEqualTo("last");
        assertThatThrownBy(() -> probe(rx.waitFor("other"::equals)).poll()).isInstanceOf(ChannelClosedException.class)
                .hasMessageContaining("does not satisfy");
        assertThatThrownBy(() -> ch.sender().send("late")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(ch.sender().borrow()).isEqualTo("last");
    }

    @Test
    void theSenderClosingWakesWaitingReceivers() {
        Watch<String> ch = Watch.channel("a");
        Probe<Void> changed = probe(ch.receiver().changed());
        Probe<String> waitFor = probe(ch.receiver().duplicate().waitFor("b"::equals));
        assertThat(changed.isPendingNow()).isTrue();
        assertThat(waitFor.isPendingNow()).isTrue();
        ch.sender().close();
        assertThat(changed.wakes()).isEqualTo(1);
        assertThat(waitFor.wakes()).isEqualTo(1);
        assertThatThrownBy(changed::poll).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(waitFor::poll).isInstanceOf(ChannelClosedException.class);
    }

    @Test
    void closedCompletesWhenTheLastReceiverDuplicatesIncludedHasClosed() {
        Watch<String> ch = Watch.channel("a");
        Watch.Receiver<String> dup = ch.receiver().duplicate();
        Watch.Receiver<String> sub = ch.sender().subscribe();
        assertThat(ch.sender().receiverCount()).isEqualTo(3);
        Probe<Void> closed = probe(ch.sender().closed());
        assertThat(closed.isPendingNow()).isTrue();
        ch.receiver().close();
        dup.close();
        dup.close(); // idempotent: counts once
        assertThat(closed.wakes()).isZero();
        assertThat(closed.isPendingNow()).isTrue();
        sub.close();
        assertThat(closed.wakes()).isEqualTo(1);
        assertThat(closed.poll()).isNull();
        assertThat(ch.sender().receiverCount()).isZero();

        assertThat(ch.sender().send("unread")).as("no receiver is open").isFalse();
        assertThat(ch.sender().borrow()).as("the value is stored all the same").isEqualTo("unread");
        Watch.Receiver<String> late = ch.sender().subscribe();
        assertThat(late.borrow()).isEqualTo("unread");
        assertThat(late.hasChanged()).as("a subscriber has seen the current value").isFalse();
        assertThat(probe(ch.sender().closed()).isPendingNow()).isTrue();
    }

    @Test
    void aDuplicateKeepsWhatItsOriginalHasSeen() {
        Watch<String> ch = Watch.channel("a");
        ch.sender().send("b");
        Watch.Receiver<String> dup = ch.receiver().duplicate();
        assertThat(dup.hasChanged()).isTrue();
        assertThat(dup.borrowAndUpdate()).isEqualTo("b");
        assertThat(ch.receiver().hasChanged()).as("each receiver has its own seen version").isTrue();
        assertThat(ch.receiver().duplicate().hasChanged()).isTrue();

        Watch<String> fresh = Watch.channel("first");
        fresh.receiver().markChanged();
        assertThat(fresh.receiver().duplicate().hasChanged()).as("marked changed at the first version").isTrue();
    }

    @Test
    void aCancelledChangedMarksNothingSeenAndLeavesTheWaitList() {
        Watch<String> ch = Watch.channel("a");
        Probe<Void> cancelled = probe(ch.receiver().changed());
        assertThat(cancelled.isPendingNow()).isTrue();
        cancelled.future.cancel();
        ch.sender().send("b");
        assertThat(cancelled.wakes()).as("no longer in the wait list").isZero();
        assertThat(probe(ch.receiver().changed()).poll()).isNull();

        Probe<Void> woken = probe(ch.receiver().changed());
        assertThat(woken.isPendingNow()).isTrue();
        ch.sender().send("c");
        assertThat(woken.wakes()).isEqualTo(1);
        woken.future.cancel(); // woken, but its owner gave up before polling
        assertThat(ch.receiver().hasChanged()).as("the change it was woken for is still unseen").isTrue();
        assertThat(probe(ch.receiver().changed()).poll()).isNull();

        Probe<Void> closedCancelled = probe(ch.sender().closed());
        assertThat(closedCancelled.isPendingNow()).isTrue();
        closedCancelled.future.cancel();
        ch.receiver().close();
        assertThat(closedCancelled.wakes()).isZero();
    }

    @Test
    void misuseIsExplained() {
        Watch<String> ch = Watch.channel("a");
        assertThatThrownBy(() -> Watch.channel(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("no null values");
        assertThatThrownBy(() -> ch.sender().send(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ch.sender().sendModify(s -> null)).isInstanceOf(NullPointerException.class);
        assertThat(ch.sender().borrow()).isEqualTo("a");
        Watch.Receiver<String> rx = ch.receiver();
        Future<Void> outstanding = rx.changed();
        rx.close();
        assertThatThrownBy(rx::borrow).isInstanceOf(IllegalStateException.class).hasMessageContaining("duplicate()");
        assertThatThrownBy(rx::changed).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> probe(outstanding).poll()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aCompletedChangedSpendsOneUnitOfBudgetAndAPendingOneSpendsNone() {
        Watch<Integer> ch = Watch.channel(0);
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            int[] spent = rt.blockOn(Weft.async(() -> {
                Weft.yieldNow().await();
                int before = Coop.remaining();
                for (int i = 1; i <= 5; i++) {
                    ch.sender().send(i);
                    ch.receiver().changed().await();
                }
                int afterReady = Coop.remaining();
                Object pending = ch.receiver().changed().poll(new Context(Waker.noop()));
                return new int[] {before - afterReady, afterReady - Coop.remaining(), pending == Future.PENDING ? 1 : 0};
            }));
            assertThat(spent).containsExactly(5, 0, 1);
        }
    }

    /**
     * Sends come in bursts of {@value #BURST}; after each, the sender waits until every receiver has
     * seen the burst's last value, so a wake-up lost at any of those 1,000 points stalls the run (and
     * fails it at the deadline) instead of being repaired by the next send. The very last value is
     * followed at once by the sender's close, which must not hide it from any receiver.
     */
    @Test
    void manyReceiversAcrossWorkersSeeANonDecreasingCounterEndingAtTheLastValue() {
        int receivers = 8;
        int sends = 100_000;
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            List<Integer> lasts = rt.blockOn(Weft.async(() -> {
                Watch<Integer> ch = Watch.channel(0);
                AtomicInteger acks = new AtomicInteger();
                Notify acked = new Notify();
                List<JoinHandle<Integer>> tasks = new ArrayList<>();
                for (int r = 0; r < receivers; r++) {
                    Watch.Receiver<Integer> rx = ch.sender().subscribe();
                    tasks.add(Weft.spawn(() -> {
                        try (rx) {
                            int last = 0;
                            while (true) {
                                try {
                                    rx.changed().await();
                                } catch (ChannelClosedException closed) {
                                    return last;
                                }
                                int v = rx.borrowAndUpdate();
                                if (v < last) {
                                    throw new AssertionError("went back from " + last + " to " + v);
                                }
                                last = v;
                                if (v % BURST == 0) {
                                    acks.incrementAndGet();
                                    acked.notifyOne();
                                }
                            }
                        }
                    }));
                }
                ch.receiver().close();
                Weft.spawn(() -> {
                    try (Watch.Sender<Integer> tx = ch.sender()) {
                        for (int i = 1; i <= sends; i++) {
                            tx.send(i);
                            if (i % BURST == 0 && i < sends) { // the last value meets the close: no wait
                                int all = receivers * (i / BURST);
                                while (acks.get() < all) {
                                    acked.notified().await();
                                }
                            }
                        }
                    }
                });
                List<Integer> out = new ArrayList<>();
                for (JoinHandle<Integer> t : tasks) {
                    // a deadline far beyond the run's length: a lost wake-up fails the test instead of hanging it
                    out.add(Timeout.after(Duration.ofSeconds(60), t).await());
                }
                return out;
            }));
            assertThat(lasts).hasSize(receivers).containsOnly(sends);
        }
    }
}
