package dev.weft.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.compose.JoinTest.CountingWaker;
import dev.weft.compose.JoinTest.Manual;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mpsc;
import dev.weft.sync.Oneshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Select: fairness, bias, polling only woken branches, owned and borrowed branches, disabled branches. */
class SelectTest {

    private static Runtime paused() {
        return Runtime.builder().currentThread().startPaused(true).build();
    }

    /** Runs {@code rounds} selects over {@code n} ready branches and counts each branch's wins. */
    private static int[] wins(Runtime rt, int n, int rounds, java.util.function.Supplier<Select<Integer>> make) {
        return rt.blockOn(Weft.async(() -> {
            int[] counts = new int[n];
            for (int round = 0; round < rounds; round++) {
                Select<Integer> s = make.get();
                for (int i = 0; i < n; i++) {
                    s.on(Future.ready(i), v -> v);
                }
                counts[s.await()]++;
            }
            return counts;
        }));
    }

    @Test
    void aFairSelectOverReadyBranchesLetsEachWinAboutEquallyOften() {
        int n = 4;
        int rounds = 10_000;
        try (Runtime rt = paused()) {
            SplittableRandom seeded = new SplittableRandom(42);
            for (int[] counts : List.of(wins(rt, n, rounds, () -> Select.fair(seeded)),
                    wins(rt, n, rounds, Select::fair))) {
                for (int c : counts) {
                    assertThat(c).isBetween((int) (rounds / n * 0.8), (int) (rounds / n * 1.2));
                }
            }
        }
    }

    @Test
    void aSeededSelectRepeatsItsChoices() {
        try (Runtime rt = paused()) {
            int[] first = wins(rt, 3, 50, () -> Select.fair(new SplittableRandom(7)));
            int[] again = wins(rt, 3, 50, () -> Select.fair(new SplittableRandom(7)));
            assertThat(again).containsExactly(first);
            // a fresh generator per select with one seed starts every select at the same branch
            assertThat(first).containsOnly(0, 50);
        }
    }

    @Test
    void aBiasedSelectAlwaysPicksTheFirstReadyBranch() {
        try (Runtime rt = paused()) {
            int[] counts = rt.blockOn(Weft.async(() -> {
                int[] c = new int[3];
                for (int round = 0; round < 1_000; round++) {
                    c[Select.<Integer>biased()
                            .on(Future.never(), v -> 0)
                            .on(Future.ready(1), v -> v)
                            .on(Future.ready(2), v -> v)
                            .await()]++;
                }
                return c;
            }));
            assertThat(counts).containsExactly(0, 1_000, 0);
        }
    }

    @Test
    void aBiasedSelectPrefersTheEarlierOfTwoBranchesWokenTogether() {
        CountingWaker task = new CountingWaker();
        Context cx = new Context(task);
        List<Manual> b = List.of(new Manual("a"), new Manual("b"), new Manual("c"));
        Select<String> s = Select.biased();
        b.forEach(m -> s.on(m, v -> v));
        assertThat(s.poll(cx)).isSameAs(Future.PENDING);
        b.get(2).complete(); // woken first
        b.get(1).complete();
        assertThat(s.poll(cx)).isEqualTo("b");
        assertThat(b.get(2).cancelled).isTrue();
        assertThat(b.get(0).cancelled).isTrue();
    }

    @Test
    void afterTheFirstPollOnlyWokenBranchesArePolled() {
        int n = 10_000;
        CountingWaker task = new CountingWaker();
        Context cx = new Context(task);
        List<Manual> branches = new ArrayList<>();
        Select<String> s = Select.fair(new SplittableRandom(1));
        for (int i = 0; i < n; i++) {
            Manual m = new Manual("b" + i);
            branches.add(m);
            s.on(m, v -> v);
        }
        assertThat(s.poll(cx)).isSameAs(Future.PENDING);
        assertThat(branches).allMatch(m -> m.polls == 1);

        Manual one = branches.get(4_321);
        one.waker.wake(); // a spurious wake: polled again, still pending
        assertThat(task.wakes.get()).isEqualTo(1);
        assertThat(s.poll(cx)).isSameAs(Future.PENDING);
        assertThat(one.polls).isEqualTo(2);
        assertThat(branches.stream().mapToInt(m -> m.polls).sum()).isEqualTo(n + 1);

        assertThat(s.poll(cx)).isSameAs(Future.PENDING); // nothing woken: nothing polled
        assertThat(branches.stream().mapToInt(m -> m.polls).sum()).isEqualTo(n + 1);

        one.complete();
        assertThat(s.poll(cx)).isEqualTo("b4321");
        assertThat(branches.stream().mapToInt(m -> m.polls).sum()).isEqualTo(n + 2);
        assertThat(branches.stream().filter(m -> m.cancelled).count()).isEqualTo(n - 1);
        assertThat(one.cancelled).isFalse();
    }

    @Test
    void losingBranchesAreCancelledAndTheirFinallyRunsBeforeTheArm() {
        List<String> events = new ArrayList<>();
        try (Runtime rt = paused()) {
            String r = rt.blockOn(Weft.async(() -> Select.<String>fair()
                    .on(Weft.async(() -> {
                        try {
                            Weft.sleep(Duration.ofHours(1)).await();
                            return "slow";
                        } finally {
                            events.add("slow cleaned up");
                        }
                    }), v -> v)
                    .on(Weft.sleep(Duration.ofSeconds(1)), v -> {
                        events.add("arm runs");
                        Weft.sleep(Duration.ofSeconds(1)).await(); // an arm may await
                        return "timer";
                    })
                    .await()));
            assertThat(r).isEqualTo("timer");
        }
        assertThat(events).containsExactly("slow cleaned up", "arm runs");
    }

    @Test
    void aFuseReusedAcrossTheSelectsOfALoopKeepsItsProgress() {
        AtomicInteger networkStarts = new AtomicInteger();
        try (Runtime rt = paused()) {
            List<String> seen = rt.blockOn(Weft.async(() -> {
                Mpsc<String> lines = Mpsc.unbounded();
                Mpsc.Sender<String> tx = lines.sender();
                Oneshot<String> packet = Oneshot.channel();
                Fuse<String> network = Fuse.of(Weft.async(() -> {
                    networkStarts.incrementAndGet();
                    Weft.sleep(Duration.ofSeconds(10)).await();
                    return "network: " + packet.receiver().await();
                }));
                Weft.spawn(() -> {
                    for (int i = 0; i < 5; i++) {
                        Weft.sleep(Duration.ofSeconds(3)).await();
                        tx.send("line " + i).await();
                    }
                    packet.sender().send("packet");
                    tx.close();
                });
                List<String> out = new ArrayList<>();
                boolean more = true;
                while (more) {
                    // biased: at 15 s line 4 and the packet are ready together, and the line goes first
                    more = Select.<Boolean>biased()
                            .onNonNull(lines.receiver().recv(), line -> out.add(line))
                            .onBorrowed(network, v -> out.add(v))
                            .otherwise(() -> false)
                            .await();
                }
                return out;
            }));
            assertThat(seen).containsExactly("line 0", "line 1", "line 2", "line 3", "line 4", "network: packet");
        }
        assertThat(networkStarts).hasValue(1);
    }

    @Test
    void aBorrowedBranchIsNotCancelledWhenItLosesOrWhenTheSelectIsCancelled() {
        Context cx = new Context(new CountingWaker());
        Manual kept = new Manual("kept");
        Fuse<String> fuse = Fuse.of(kept);
        Select.<String>fair().onBorrowed(fuse, v -> v).on(Future.ready("now"), v -> v).poll(cx);
        assertThat(kept.cancelled).isFalse();

        Manual owned = new Manual("owned");
        Select<String> s = Select.<String>fair().onBorrowed(fuse, v -> v).on(owned, v -> v);
        assertThat(s.poll(cx)).isSameAs(Future.PENDING);
        s.cancel();
        assertThat(owned.cancelled).isTrue();
        assertThat(kept.cancelled).isFalse();
        assertThat(fuse.isTerminated()).isFalse();
    }

    @Test
    void whenEveryBranchIsDisabledTheOtherwiseArmRunsAndWithoutOneTheSelectFails() {
        try (Runtime rt = paused()) {
            Mpsc<String> closed = Mpsc.unbounded();
            closed.sender().close();
            Fuse<String> finished = Fuse.of(Future.ready("x"));
            assertThat(rt.blockOn(finished)).isEqualTo("x");
            assertThat(finished.isTerminated()).isTrue();

            String r = rt.blockOn(Weft.async(() -> Select.<String>fair()
                    .onNonNull(closed.receiver().recv(), v -> "value")
                    .onBorrowed(finished, v -> "again")
                    .otherwise(() -> "all disabled")
                    .await()));
            assertThat(r).isEqualTo("all disabled");

            assertThatThrownBy(() -> rt.blockOn(Select.<String>fair().onBorrowed(finished, v -> v)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("every branch of this select is disabled");
        }
    }

    @Test
    void aFailingBranchFailsTheSelectAndCancelsTheOthers() {
        Context cx = new Context(new CountingWaker());
        Manual other = new Manual("other");
        Manual failing = new Manual("failing");
        Select<String> s = Select.<String>biased().on(other, v -> v).on(failing, v -> v);
        assertThat(s.poll(cx)).isSameAs(Future.PENDING);
        failing.fail(new IllegalStateException("branch failed"));
        assertThatThrownBy(() -> s.poll(cx)).hasMessage("branch failed");
        assertThat(other.cancelled).isTrue();
        assertThat(failing.cancelled).isFalse();
    }

    @Test
    void cancellingTheAwaitingBlockCancelsTheOwnedBranches() {
        List<String> events = new ArrayList<>();
        try (Runtime rt = paused()) {
            assertThatThrownBy(() -> rt.blockOn(Weft.timeout(Duration.ofSeconds(1), Weft.async(() ->
                    Select.<String>fair()
                            .on(Weft.async(() -> {
                                try {
                                    return Future.<String>never().await();
                                } finally {
                                    events.add("branch cleaned up");
                                }
                            }), v -> v)
                            .await()))))
                    .isInstanceOf(dev.weft.time.ElapsedException.class);
        }
        assertThat(events).containsExactly("branch cleaned up");
    }

    @Test
    void raceReturnsTheFirstToFinishAndCancelsTheRest() {
        List<String> events = new ArrayList<>();
        try (Runtime rt = paused()) {
            String r = rt.blockOn(Select.race(
                    Weft.async(() -> {
                        try {
                            Weft.sleep(Duration.ofSeconds(2)).await();
                            return "two";
                        } finally {
                            events.add("two done");
                        }
                    }),
                    Weft.async(() -> {
                        Weft.sleep(Duration.ofSeconds(1)).await();
                        return "one";
                    })));
            assertThat(r).isEqualTo("one");
        }
        assertThat(events).containsExactly("two done");
        assertThatThrownBy(() -> Select.race(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSelectIsSingleUseAndTakesNoBranchesOnceStarted() {
        Context cx = new Context(new CountingWaker());
        Select<String> s = Select.<String>fair().on(Future.ready("a"), v -> v);
        assertThat(s.poll(cx)).isEqualTo("a");
        assertThatThrownBy(() -> s.on(Future.ready("b"), v -> v)).isInstanceOf(IllegalStateException.class);
        Fuse<String> fuse = Fuse.of(Future.ready("f"));
        assertThat(fuse.poll(cx)).isEqualTo("f");
        assertThatThrownBy(() -> fuse.poll(cx)).hasMessageContaining("this fuse has terminated");
    }

    @Test
    void branchesWokenFromOtherWorkersAreAllSeenAcrossManySelects() {
        int n = 2_000;
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            int total = rt.blockOn(Weft.async(() -> {
                Mpsc<Integer> a = Mpsc.bounded(8);
                Mpsc<Integer> b = Mpsc.bounded(8);
                for (Mpsc<Integer> ch : List.of(a, b)) {
                    Mpsc.Sender<Integer> tx = ch.sender();
                    Weft.spawn(() -> {
                        for (int i = 1; i <= n; i++) {
                            tx.send(i).await();
                        }
                        tx.close();
                    });
                }
                int sum = 0;
                Integer v;
                while ((v = Select.<Integer>fair()
                        .onNonNull(a.receiver().recv(), x -> x)
                        .onNonNull(b.receiver().recv(), x -> x)
                        .otherwise(() -> null)
                        .await()) != null) {
                    sum += v;
                }
                return sum;
            }));
            assertThat(total).isEqualTo(2 * n * (n + 1) / 2);
        }
    }

    @Test
    void cancellingTheBlockWhileAnArmRunsUnwindsTheArmOnce() {
        List<String> events = new ArrayList<>();
        try (Runtime rt = paused()) {
            assertThatThrownBy(() -> rt.blockOn(Weft.timeout(Duration.ofSeconds(1), Weft.async(() ->
                    Select.<String>fair()
                            .on(Future.ready("x"), v -> {
                                try {
                                    return Future.<String>never().await();
                                } finally {
                                    events.add("arm unwound");
                                }
                            })
                            .await()))))
                    .isInstanceOf(dev.weft.time.ElapsedException.class);
        }
        assertThat(events).containsExactly("arm unwound");
    }
}
