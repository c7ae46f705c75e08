package dev.weft.sync;

import static dev.weft.sync.Polls.probe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Polls.Probe;
import org.junit.jupiter.api.Test;

/** CancellationToken: the signal, its waiters, and child tokens. */
class CancellationTokenTest {

    @Test
    void cancellingWakesEveryWaiterIncludingOnesNotPolledYet() {
        CancellationToken token = new CancellationToken();
        Probe<Void> polled = probe(token.cancelled());
        assertThat(polled.isPendingNow()).isTrue();
        Probe<Void> unpolled = probe(token.cancelled());
        token.cancel();
        token.cancel(); // idempotent
        assertThat(polled.wakes()).isEqualTo(1);
        assertThat(polled.poll()).isNull();
        assertThat(unpolled.poll()).isNull();
        assertThat(token.isCancelled()).isTrue();
    }

    @Test
    void childrenAreCancelledWithTheirParentButNotTheOtherWayRound() {
        CancellationToken parent = new CancellationToken();
        CancellationToken child = parent.child();
        CancellationToken grandchild = child.child();
        CancellationToken sibling = parent.child();
        Probe<Void> grandchildWaits = probe(grandchild.cancelled());
        grandchildWaits.poll();
        sibling.cancel();
        assertThat(parent.isCancelled()).isFalse();
        assertThat(child.isCancelled()).isFalse();
        parent.cancel();
        assertThat(child.isCancelled()).isTrue();
        assertThat(grandchild.isCancelled()).isTrue();
        assertThat(grandchildWaits.wakes()).isEqualTo(1);
        assertThat(parent.child().isCancelled()).as("a child of a cancelled token").isTrue();
    }

    @Test
    void aTaskLoopStopsWhenItsTokenIsCancelledFromAnotherTask() {
        CancellationToken stop = new CancellationToken();
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            int rounds = rt.blockOn(Weft.async(() -> {
                Oneshot<Boolean> started = Oneshot.channel();
                JoinHandle<Integer> worker = Weft.spawn(() -> {
                    int n = 0;
                    while (!stop.isCancelled()) {
                        if (n++ == 0) {
                            started.sender().send(true);
                        }
                        Weft.yieldNow().await();
                    }
                    return n;
                });
                JoinHandle<Void> waiter = Weft.spawn(() -> stop.cancelled().await());
                started.receiver().await(); // the loop is running
                stop.cancel();
                waiter.await();
                return worker.await();
            }));
            assertThat(rounds).isPositive();
        }
    }
}
