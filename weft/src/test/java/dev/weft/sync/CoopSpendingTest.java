package dev.weft.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Coop;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import java.util.ArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operations that spend the cooperative budget where Tokio's do: each ready one spends exactly one
 * unit, so a task looping over a primitive that is always ready still yields to its neighbours.
 */
class CoopSpendingTest {
    static final int TIMES = 5;

    static Stream<Arguments> readyOperations() {
        Mpsc<Integer> unbounded = Mpsc.unbounded();
        Mpsc<Integer> bounded = Mpsc.bounded(1_000);
        Mpsc<Integer> full = Mpsc.unbounded();
        for (int i = 0; i < TIMES; i++) {
            full.sender().trySend(i);
        }
        Mpsc<Integer> fullForMany = Mpsc.unbounded();
        for (int i = 0; i < TIMES; i++) {
            fullForMany.sender().trySend(i);
        }
        Barrier alone = new Barrier(1);
        return Stream.of(
                op("mpsc unbounded send", () -> unbounded.sender().send(1)),
                op("mpsc bounded send", () -> bounded.sender().send(1)),
                op("mpsc recv", () -> full.receiver().recv()),
                op("mpsc recvMany", () -> fullForMany.receiver().recvMany(new ArrayList<>(), 1)),
                op("oneshot recv", () -> {
                    Oneshot<Integer> o = Oneshot.channel();
                    o.sender().send(1);
                    return o.receiver();
                }),
                op("barrier arrival", alone::arriveAndWait));
    }

    private static Arguments op(String name, Supplier<Future<?>> ready) {
        return Arguments.of(name, ready);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readyOperations")
    void eachReadyOperationSpendsOneUnit(String name, Supplier<Future<?>> ready) {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            int spent = rt.blockOn(Weft.async(() -> {
                Weft.yieldNow().await(); // a fresh budget
                int before = Coop.remaining();
                for (int i = 0; i < TIMES; i++) {
                    ready.get().await();
                }
                return before - Coop.remaining();
            }));
            assertThat(spent).isEqualTo(TIMES);
        }
    }
}
