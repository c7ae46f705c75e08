package dev.weft.sync;

import static dev.weft.sync.Polls.probe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.sync.Polls.Probe;
import org.junit.jupiter.api.Test;

/** Notify: the stored permit, notifyOne's order, notifyWaiters' reach, and cancel safety. */
class NotifyTest {

    @Test
    void aNotificationBeforeAnyoneWaitsIsStoredOnce() {
        Notify n = new Notify();
        n.notifyOne();
        n.notifyOne(); // still one permit
        assertThat(probe(n.notified()).poll()).isNull();
        assertThat(probe(n.notified()).isPendingNow()).isTrue();
    }

    @Test
    void notifyOneWakesTheLongestWaiterFirst() {
        Notify n = new Notify();
        Probe<Void> a = probe(n.notified());
        Probe<Void> b = probe(n.notified());
        a.poll();
        b.poll();
        n.notifyOne();
        assertThat(a.wakes()).isEqualTo(1);
        assertThat(b.wakes()).isZero();
        assertThat(a.poll()).isNull();
        assertThat(b.isPendingNow()).isTrue();
        n.notifyOne();
        assertThat(b.poll()).isNull();
    }

    @Test
    void notifyWaitersReachesFuturesMadeBeforeItEvenUnpolledAndStoresNothing() {
        Notify n = new Notify();
        Probe<Void> polled = probe(n.notified());
        polled.poll();
        Probe<Void> unpolled = probe(n.notified());
        n.notifyWaiters();
        Probe<Void> after = probe(n.notified());
        assertThat(polled.wakes()).isEqualTo(1);
        assertThat(polled.poll()).isNull();
        assertThat(unpolled.poll()).isNull();
        assertThat(after.isPendingNow()).as("made after the call; no permit stored").isTrue();
    }

    @Test
    void aWaiterCancelledAfterNotifyOnePickedItPassesTheNotificationOn() {
        Notify n = new Notify();
        Probe<Void> a = probe(n.notified());
        Probe<Void> b = probe(n.notified());
        a.poll();
        b.poll();
        n.notifyOne(); // picks a
        a.future.cancel(); // a never saw it: b gets it
        assertThat(b.wakes()).isEqualTo(1);
        assertThat(b.poll()).isNull();
    }

    @Test
    void withNoOneElseWaitingACancelledNotificationBecomesThePermit() {
        Notify n = new Notify();
        Probe<Void> a = probe(n.notified());
        a.poll();
        n.notifyOne();
        a.future.cancel();
        assertThat(probe(n.notified()).poll()).isNull();
    }

    @Test
    void aCancelledWaiterLeavesTheQueue() {
        Notify n = new Notify();
        Probe<Void> a = probe(n.notified());
        Probe<Void> b = probe(n.notified());
        a.poll();
        b.poll();
        a.future.cancel(); // not notified: just leaves
        n.notifyOne();
        assertThat(b.wakes()).isEqualTo(1);
    }
}
