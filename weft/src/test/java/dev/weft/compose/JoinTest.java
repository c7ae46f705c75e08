package dev.weft.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Oneshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Join.all and Join.tryAll: input order, polling only woken children, failures and cancellation. */
class JoinTest {

    /** A child completed by hand: counts its polls, keeps its waker, records a cancel. */
    static final class Manual implements Future<String> {
        final String name;
        int polls;
        Waker waker;
        Object outcome; // null: pending; a String: the output; a RuntimeException: the failure
        boolean cancelled;

        Manual(String name) {
            this.name = name;
        }

        @Override
        public Object poll(Context cx) {
            polls++;
            waker = cx.waker();
            if (outcome instanceof RuntimeException e) {
                throw e;
            }
            return outcome == null ? PENDING : outcome;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        void complete() {
            outcome = name;
            waker.wake();
        }

        void fail(RuntimeException e) {
            outcome = e;
            waker.wake();
        }
    }

    static final class CountingWaker implements Waker {
        final AtomicInteger wakes = new AtomicInteger();

        @Override
        public void wake() {
            wakes.incrementAndGet();
        }
    }

    private final CountingWaker task = new CountingWaker();
    private final Context cx = new Context(task);

    private static List<Manual> children(int n) {
        List<Manual> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new Manual("c" + i));
        }
        return list;
    }

    @Test
    void outputsComeInInputOrderWhateverOrderTheChildrenFinishIn() {
        List<Manual> c = children(3);
        Future<List<String>> join = Join.all(c);
        assertThat(join.poll(cx)).isSameAs(Future.PENDING);
        c.get(2).complete();
        c.get(0).complete();
        assertThat(join.poll(cx)).isSameAs(Future.PENDING);
        c.get(1).complete();
        assertThat(task.wakes.get()).isEqualTo(3);
        assertThat(join.poll(cx)).isEqualTo(List.of("c0", "c1", "c2"));
    }

    @Test
    void aPollAfterTheFirstLooksOnlyAtTheChildrenThatWereWoken() {
        List<Manual> c = children(10_000);
        Future<List<String>> join = Join.all(c);
        join.poll(cx);
        assertThat(c).allMatch(m -> m.polls == 1);

        c.get(4_321).complete();
        c.get(4_321).waker.wake(); // a second wake before the poll marks it once
        join.poll(cx);

        int total = c.stream().mapToInt(m -> m.polls).sum();
        assertThat(total).as("child polls after one wake").isEqualTo(10_001);
        assertThat(c.get(4_321).polls).isEqualTo(2);
    }

    @Test
    void aChildThatWakesItselfWhilePolledIsPolledOncePerJoinPoll() {
        AtomicInteger polls = new AtomicInteger();
        Future<String> yielding = c -> { // what a child out of budget does: wake at once, stay pending
            polls.incrementAndGet();
            c.waker().wake();
            return Future.PENDING;
        };
        Future<List<String>> join = Join.all(List.of(yielding, new Manual("other")));
        assertThat(join.poll(cx)).isSameAs(Future.PENDING);
        assertThat(join.poll(cx)).isSameAs(Future.PENDING);
        assertThat(polls.get()).isEqualTo(2);
        assertThat(task.wakes.get()).as("each self-wake reaches the task").isEqualTo(2);
    }

    @Test
    void anEmptyJoinIsReadyAtOnce() {
        assertThat(Join.<String>all(List.of()).poll(cx)).isEqualTo(List.of());
    }

    @Test
    void allLetsTheOthersFinishThenFailsWithTheFirstFailureAndTheRestSuppressed() {
        List<Manual> c = children(3);
        Future<List<String>> join = Join.all(c);
        join.poll(cx);
        IllegalStateException first = new IllegalStateException("first");
        IllegalArgumentException second = new IllegalArgumentException("second");
        c.get(1).fail(first);
        assertThat(join.poll(cx)).as("c0 and c2 still run").isSameAs(Future.PENDING);
        c.get(2).fail(second);
        c.get(0).complete();

        assertThatThrownBy(() -> join.poll(cx)).isSameAs(first);
        assertThat(first.getSuppressed()).containsExactly(second);
        assertThat(c).noneMatch(m -> m.cancelled);
    }

    @Test
    void tryAllCancelsTheUnfinishedChildrenAtTheFirstFailure() {
        List<Manual> c = children(3);
        Future<List<String>> join = Join.tryAll(c);
        join.poll(cx);
        c.get(0).complete();
        join.poll(cx);
        IllegalStateException boom = new IllegalStateException("boom");
        c.get(2).fail(boom);

        assertThatThrownBy(() -> join.poll(cx)).isSameAs(boom);
        assertThat(c.get(1).cancelled).as("unfinished: cancelled").isTrue();
        assertThat(c.get(0).cancelled).as("already completed").isFalse();
        assertThat(c.get(2).cancelled).as("the one that failed").isFalse();
    }

    @Test
    void cancellingTheJoinCancelsOnlyWhatHasNotCompleted() {
        List<Manual> c = children(2);
        Future<List<String>> join = Join.all(c);
        join.poll(cx);
        c.get(0).complete();
        join.poll(cx);
        join.cancel();
        assertThat(c.get(0).cancelled).isFalse();
        assertThat(c.get(1).cancelled).isTrue();
    }

    @Test
    void asyncBlocksSleepingDifferentTimesJoinInInputOrderAndTryAllRunsTheLosersCleanup() {
        List<String> cleanup = new ArrayList<>();
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
            List<Integer> order = rt.blockOn(Join.all(List.of(
                    Weft.async(() -> {
                        Weft.sleep(Duration.ofSeconds(3)).await();
                        return 3;
                    }),
                    Weft.async(() -> {
                        Weft.sleep(Duration.ofSeconds(1)).await();
                        return 1;
                    }),
                    Weft.async(() -> {
                        Weft.sleep(Duration.ofSeconds(2)).await();
                        return 2;
                    }))));
            assertThat(order).containsExactly(3, 1, 2);

            Future<List<Integer>> failing = Join.tryAll(List.of(
                    Weft.async(() -> {
                        try {
                            Weft.sleep(Duration.ofHours(1)).await();
                            return 0;
                        } finally {
                            cleanup.add("slow child cleaned up");
                        }
                    }),
                    Weft.async(() -> {
                        Weft.sleep(Duration.ofSeconds(1)).await();
                        throw new IllegalStateException("fast child failed");
                    })));
            assertThatThrownBy(() -> rt.blockOn(failing)).hasMessage("fast child failed");
        }
        assertThat(cleanup).containsExactly("slow child cleaned up");
    }

    @Test
    void childrenWokenFromOtherWorkersAllCompleteInInputOrder() {
        int n = 1_000;
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            List<Integer> out = rt.blockOn(Weft.async(() -> {
                List<Future<Integer>> replies = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Oneshot<Integer> reply = Oneshot.channel();
                    int v = i;
                    Weft.spawn(() -> {
                        Weft.yieldNow().await();
                        reply.sender().send(v);
                    });
                    replies.add(reply.receiver());
                }
                return Join.all(replies).await();
            }));
            assertThat(out).containsExactlyElementsOf(IntStream.range(0, n).boxed().toList());
        }
    }

    @Test
    void typedJoinsGiveEachOutputInArgumentOrder() {
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
            Join.Pair<String, Integer> pair = rt.blockOn(Join.all(
                    Weft.async(() -> {
                        Weft.sleep(Duration.ofSeconds(2)).await();
                        return "user";
                    }),
                    Weft.async(() -> {
                        Weft.sleep(Duration.ofSeconds(1)).await();
                        return 7;
                    })));
            assertThat(pair).isEqualTo(new Join.Pair<>("user", 7));
            assertThat(rt.blockOn(Join.tryAll(Future.ready(1), Future.ready("b"), Future.ready(3L))))
                    .isEqualTo(new Join.Triple<>(1, "b", 3L));
            assertThat(rt.blockOn(Join.all(Future.ready(1), Future.ready(2), Future.ready(3), Future.ready(4))))
                    .isEqualTo(new Join.Quadruple<>(1, 2, 3, 4));
            assertThat(rt.blockOn(Join.tryAll(Future.ready(1), Future.ready(2), Future.ready(3), Future.ready(4),
                    Future.ready(5)))).isEqualTo(new Join.Quintuple<>(1, 2, 3, 4, 5));
        }
    }

    @Test
    void aTypedTryJoinCancelsTheOthersAtTheFirstFailure() {
        List<Manual> c = children(3);
        Future<Join.Triple<String, String, String>> join = Join.tryAll(c.get(0), c.get(1), c.get(2));
        assertThat(join.poll(cx)).isSameAs(Future.PENDING);
        c.get(1).fail(new IllegalStateException("second failed"));
        assertThatThrownBy(() -> join.poll(cx)).hasMessage("second failed");
        assertThat(c.get(0).cancelled).isTrue();
        assertThat(c.get(2).cancelled).isTrue();
        assertThat(c.get(1).cancelled).isFalse();
    }
}
