package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The cooperative budget: a task that keeps finding its futures ready is made to let others run. */
class CoopTest {
    /** A future that is always ready, but spends budget as a channel or socket read would. */
    private static final Future<Void> ALWAYS_READY = cx -> Coop.proceed(cx) ? null : Future.PENDING;

    private static final int GIVE_UP_AFTER = 10_000;

    private static Runtime runtime(String flavour) {
        return flavour.equals("currentThread") ? Runtime.builder().currentThread().build()
                : Runtime.builder().multiThread().workerThreads(1).build();
    }

    /**
     * A task that spawns a neighbour and then loops on an always-ready future until it sees that the
     * neighbour ran (or gives up). Returns how many awaits that took.
     */
    private static Future<Integer> loopUntilNeighbourRan() {
        return Weft.async(() -> {
            AtomicBoolean neighbourRan = new AtomicBoolean();
            Weft.spawn(() -> {
                neighbourRan.set(true);
            });
            int awaits = 0;
            while (!neighbourRan.get() && awaits < GIVE_UP_AFTER) {
                ALWAYS_READY.await();
                awaits++;
            }
            return awaits;
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"currentThread", "multiThread"})
    void aLoopOnAnAlwaysReadyFutureLetsAReadyNeighbourRunWithinOneBudget(String flavour) {
        try (Runtime rt = runtime(flavour)) {
            int awaits = rt.blockOn(rt.spawn(loopUntilNeighbourRan()));
            // 128 awaits spend the budget; the 129th yields, the neighbour runs, and the 129th completes.
            assertThat(awaits).isEqualTo(Coop.BUDGET + 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"currentThread", "multiThread"})
    void unconstrainedTurnsTheBudgetOff(String flavour) {
        try (Runtime rt = runtime(flavour)) {
            int awaits = rt.blockOn(rt.spawn(Weft.unconstrained(loopUntilNeighbourRan())));
            assertThat(awaits).isEqualTo(GIVE_UP_AFTER); // never yielded, so the neighbour never ran meanwhile
        }
    }

    @Test
    void awaitingAFinishedJoinHandleSpendsOneUnitEachTime() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            int spent = rt.blockOn(rt.spawn(Weft.async(() -> {
                JoinHandle<Integer> done = Weft.spawn(() -> 1);
                done.await(); // may suspend until the other task ran; the next poll starts a fresh budget
                int before = Coop.remaining();
                for (int i = 0; i < 10; i++) {
                    done.await();
                }
                return before - Coop.remaining();
            })));
            assertThat(spent).isEqualTo(10);
        }
    }

    @Test
    void outsideATaskThereIsNoBudget() {
        Context cx = new Context(Waker.noop());
        for (int i = 0; i < 10 * Coop.BUDGET; i++) {
            assertThat(Coop.proceed(cx)).isTrue();
        }
        assertThat(Coop.remaining()).isEqualTo(Coop.BUDGET);
    }
}
