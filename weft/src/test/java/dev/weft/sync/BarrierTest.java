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
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Barrier: a round trips at the last arrival, one leader per round, reuse, and withdrawal on cancel. */
class BarrierTest {

    @Test
    void theRoundTripsAtTheLastArrivalWhichLeadsAndWakesTheOthers() {
        Barrier b = new Barrier(3);
        Probe<Barrier.Result> first = probe(b.arriveAndWait());
        Probe<Barrier.Result> second = probe(b.arriveAndWait());
        assertThat(first.isPendingNow()).isTrue();
        assertThat(second.isPendingNow()).isTrue();
        assertThat(b.waiting()).isEqualTo(2);

        Object last = probe(b.arriveAndWait()).poll();

        assertThat(last).isEqualTo(new Barrier.Result(true));
        assertThat(first.wakes()).isEqualTo(1);
        assertThat(second.wakes()).isEqualTo(1);
        assertThat(first.poll()).isEqualTo(new Barrier.Result(false));
        assertThat(second.poll()).isEqualTo(new Barrier.Result(false));
        assertThat(b.waiting()).isZero();
    }

    @Test
    void nothingArrivesUntilTheFutureIsPolled() {
        Barrier b = new Barrier(2);
        b.arriveAndWait(); // made, never polled
        Probe<Barrier.Result> a = probe(b.arriveAndWait());
        assertThat(a.isPendingNow()).isTrue();
        assertThat(b.waiting()).isEqualTo(1);
    }

    @Test
    void theBarrierIsReusedRoundAfterRound() {
        Barrier b = new Barrier(2);
        for (int round = 0; round < 3; round++) {
            Probe<Barrier.Result> a = probe(b.arriveAndWait());
            assertThat(a.isPendingNow()).as("round %d", round).isTrue();
            assertThat(probe(b.arriveAndWait()).poll()).isEqualTo(new Barrier.Result(true));
            assertThat(a.poll()).isEqualTo(new Barrier.Result(false));
        }
    }

    @Test
    void aFollowerOfAnEarlierRoundIsNotHeldByTheNextOne() {
        Barrier b = new Barrier(2);
        Probe<Barrier.Result> a = probe(b.arriveAndWait());
        a.poll();
        probe(b.arriveAndWait()).poll(); // trips round 0
        Probe<Barrier.Result> next = probe(b.arriveAndWait());
        next.poll(); // round 1 has begun before a looks

        assertThat(a.poll()).isEqualTo(new Barrier.Result(false));
        assertThat(next.isPendingNow()).isTrue();
    }

    @Test
    void aCancelledArrivalIsWithdrawnSoTheRoundWaitsForALiveParty() {
        Barrier b = new Barrier(2);
        Probe<Barrier.Result> quitter = probe(b.arriveAndWait());
        quitter.poll();
        quitter.future.cancel();
        assertThat(b.waiting()).isZero();

        Probe<Barrier.Result> a = probe(b.arriveAndWait());
        assertThat(a.isPendingNow()).as("one live arrival of two").isTrue();
        assertThat(probe(b.arriveAndWait()).poll()).isEqualTo(new Barrier.Result(true));
        assertThat(a.poll()).isEqualTo(new Barrier.Result(false));
    }

    @Test
    void cancellingAfterTheRoundTrippedChangesNothing() {
        Barrier b = new Barrier(2);
        Probe<Barrier.Result> a = probe(b.arriveAndWait());
        a.poll();
        probe(b.arriveAndWait()).poll(); // trips; a is released but has not looked
        Probe<Barrier.Result> nextRound = probe(b.arriveAndWait());
        nextRound.poll();

        a.future.cancel();

        assertThat(b.waiting()).as("the next round's arrival stays counted").isEqualTo(1);
        assertThat(probe(b.arriveAndWait()).poll()).isEqualTo(new Barrier.Result(true));
        assertThat(nextRound.poll()).isEqualTo(new Barrier.Result(false));
    }

    @Test
    void aCancelledUnpolledArrivalWithdrawsNothing() {
        Barrier b = new Barrier(2);
        Probe<Barrier.Result> a = probe(b.arriveAndWait());
        a.poll();
        b.arriveAndWait().cancel();
        assertThat(b.waiting()).isEqualTo(1);
    }

    @Test
    void aSinglePartyBarrierLetsEveryArrivalThroughAsLeader() {
        Barrier b = new Barrier(1);
        assertThat(probe(b.arriveAndWait()).poll()).isEqualTo(new Barrier.Result(true));
        assertThat(probe(b.arriveAndWait()).poll()).isEqualTo(new Barrier.Result(true));
    }

    @Test
    void aCompletedArrivalCannotBePolledAgainAndABarrierNeedsAParty() {
        Barrier b = new Barrier(1);
        Probe<Barrier.Result> a = probe(b.arriveAndWait());
        a.poll();
        assertThatThrownBy(a::poll).isInstanceOf(IllegalStateException.class).hasMessageContaining("again");
        assertThatThrownBy(() -> new Barrier(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
    }

    @ParameterizedTest
    @ValueSource(strings = {"currentThread", "multiThread"})
    void tasksInLockstepSeeEveryPeerArriveAndOneLeaderPerRound(String flavour) {
        int parties = 6;
        int rounds = 200;
        Barrier b = new Barrier(parties);
        AtomicIntegerArray arrivedIn = new AtomicIntegerArray(rounds);
        AtomicIntegerArray leadersIn = new AtomicIntegerArray(rounds);
        AtomicIntegerArray shortRounds = new AtomicIntegerArray(1);
        Runtime.Builder builder = flavour.equals("currentThread") ? Runtime.builder().currentThread()
                : Runtime.builder().multiThread().workerThreads(2);
        try (Runtime rt = builder.build()) {
            rt.blockOn(Weft.async(() -> {
                List<JoinHandle<Void>> tasks = new ArrayList<>();
                for (int t = 0; t < parties; t++) {
                    tasks.add(Weft.spawn(() -> {
                        for (int r = 0; r < rounds; r++) {
                            arrivedIn.incrementAndGet(r);
                            if (b.arriveAndWait().await().isLeader()) {
                                leadersIn.incrementAndGet(r);
                            }
                            if (arrivedIn.get(r) != parties) {
                                shortRounds.incrementAndGet(0); // released before every peer arrived
                            }
                        }
                    }));
                }
                for (JoinHandle<Void> h : tasks) {
                    h.await();
                }
            }));
        }
        assertThat(shortRounds.get(0)).isZero();
        for (int r = 0; r < rounds; r++) {
            assertThat(leadersIn.get(r)).as("leaders in round %d", r).isEqualTo(1);
        }
    }
}
