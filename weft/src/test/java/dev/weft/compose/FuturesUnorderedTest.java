package dev.weft.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.compose.JoinTest.CountingWaker;
import dev.weft.compose.JoinTest.Manual;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Oneshot;
import dev.weft.time.ElapsedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** FuturesUnordered: completion order, polling only woken members, push, failures, cancellation. */
class FuturesUnorderedTest {

    private final CountingWaker task = new CountingWaker();
    private final Context cx = new Context(task);

    private static List<Manual> pushAll(FuturesUnordered<String> set, int n) {
        List<Manual> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Manual m = new Manual("m" + i);
            list.add(m);
            set.push(m);
        }
        return list;
    }

    @Test
    void outputsComeInTheOrderTheMembersComplete() {
        FuturesUnordered<String> set = new FuturesUnordered<>();
        List<Manual> m = pushAll(set, 3);
        assertThat(set.pollNext(cx)).isSameAs(Future.PENDING);
        m.get(2).complete();
        m.get(0).complete();
        assertThat(set.pollNext(cx)).isEqualTo("m2");
        assertThat(set.pollNext(cx)).isEqualTo("m0");
        assertThat(set.pollNext(cx)).isSameAs(Future.PENDING);
        assertThat(set.size()).isEqualTo(1);
        m.get(1).complete();
        assertThat(set.pollNext(cx)).isEqualTo("m1");
        assertThat(set.isEmpty()).isTrue();
    }

    @Test
    void anEmptySetCompletesAtOnceWithNull() {
        FuturesUnordered<String> set = new FuturesUnordered<>();
        assertThat(set.next().poll(cx)).isNull();
        assertThat(task.wakes.get()).isZero();
    }

    @Test
    void aPollLooksOnlyAtTheMembersWokenSinceTheyWereLastPolled() {
        FuturesUnordered<String> set = new FuturesUnordered<>();
        List<Manual> m = pushAll(set, 100_000);
        // The first polls see every pushed member, 32 pending ones per poll, then yield.
        int firstPolls = 0;
        while (m.stream().anyMatch(x -> x.polls == 0)) {
            assertThat(set.pollNext(cx)).isSameAs(Future.PENDING);
            firstPolls++;
        }
        assertThat(firstPolls).isEqualTo((100_000 + FuturesUnordered.POLLS_PER_YIELD - 1)
                / FuturesUnordered.POLLS_PER_YIELD);
        assertThat(set.pollNext(cx)).as("nothing woken: no member polled").isSameAs(Future.PENDING);

        m.get(54_321).waker.wake();
        m.get(54_321).waker.wake(); // a second wake before the poll queues it once
        assertThat(set.pollNext(cx)).isSameAs(Future.PENDING);
        m.get(4_321).complete();
        assertThat(set.pollNext(cx)).isEqualTo("m4321");

        long total = m.stream().mapToLong(x -> x.polls).sum();
        assertThat(total).as("member polls after two wakes").isEqualTo(100_002);
    }

    @Test
    void aWakeQueuesTheMemberAndWakesTheTaskOnceUntilItIsPolled() {
        FuturesUnordered<String> set = new FuturesUnordered<>();
        List<Manual> m = pushAll(set, 2);
        set.pollNext(cx);
        m.get(0).waker.wake();
        m.get(0).waker.wake();
        m.get(1).waker.wake();
        assertThat(task.wakes.get()).isEqualTo(2);
        set.pollNext(cx);
        m.get(0).waker.wake();
        assertThat(task.wakes.get()).isEqualTo(3);
    }

    @Test
    void aMemberThatWakesItselfWhilePolledIsPolledOncePerPoll() {
        int[] polls = new int[1];
        FuturesUnordered<String> set = new FuturesUnordered<>();
        set.push(c -> { // what a member out of budget does: wake at once, stay pending
            polls[0]++;
            c.waker().wake();
            return Future.PENDING;
        });
        set.push(new Manual("other"));
        for (int i = 1; i <= 3; i++) {
            assertThat(set.pollNext(cx)).isSameAs(Future.PENDING);
            assertThat(polls[0]).isEqualTo(i);
        }
        assertThat(task.wakes.get()).as("each self-wake reaches the task").isEqualTo(3);
    }

    @Test
    void aPollThatFindsManyWokenMembersPendingYieldsAfterABoundedNumber() {
        FuturesUnordered<String> set = new FuturesUnordered<>();
        List<Manual> m = pushAll(set, 100);
        while (set.pollNext(cx) == Future.PENDING && m.stream().anyMatch(x -> x.polls == 0)) {
            // first polls of every member
        }
        int before = task.wakes.get();
        m.forEach(x -> x.waker.wake()); // spurious: all stay pending
        int wakesFromMembers = task.wakes.get() - before;
        long polled = m.stream().mapToLong(x -> x.polls).sum();

        assertThat(set.pollNext(cx)).isSameAs(Future.PENDING);
        assertThat(m.stream().mapToLong(x -> x.polls).sum() - polled).isEqualTo(FuturesUnordered.POLLS_PER_YIELD);
        assertThat(task.wakes.get() - before - wakesFromMembers).as("the poll woke its task to go on").isEqualTo(1);
    }

    @Test
    void aMemberPushedWhileNextIsPendingIsPolledByTheNextPoll() {
        FuturesUnordered<String> set = new FuturesUnordered<>();
        pushAll(set, 1);
        Future<String> next = set.next();
        assertThat(next.poll(cx)).isSameAs(Future.PENDING);
        set.push(Future.ready("pushed"));
        assertThat(next.poll(cx)).isEqualTo("pushed");
        assertThat(set.size()).isEqualTo(1);
    }

    @Test
    void membersPushedInsideTheLoopThatDrainsTheSetAreYieldedToo() {
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
            List<String> outputs = rt.blockOn(Weft.async(() -> {
                try (FuturesUnordered<String> set = new FuturesUnordered<>()) {
                    set.push(after(3, "first 3s"));
                    set.push(after(1, "first 1s"));
                    List<String> out = new ArrayList<>();
                    while (!set.isEmpty()) {
                        String s = set.next().await();
                        out.add(s);
                        if (s.startsWith("first")) {
                            set.push(after(1, "follow-up of " + s));
                        }
                    }
                    return out;
                }
            }));
            assertThat(outputs).containsExactly(
                    "first 1s", "follow-up of first 1s", "first 3s", "follow-up of first 3s");
        }
    }

    private static Future<String> after(int secs, String output) {
        return Weft.async(() -> {
            Weft.sleep(Duration.ofSeconds(secs)).await();
            return output;
        });
    }

    @Test
    void aFailingMemberThrowsFromNextAndLeavesTheSetWhileTheOthersGoOn() {
        FuturesUnordered<String> set = new FuturesUnordered<>();
        List<Manual> m = pushAll(set, 2);
        set.pollNext(cx);
        IllegalStateException boom = new IllegalStateException("boom");
        m.get(0).fail(boom);
        assertThatThrownBy(() -> set.pollNext(cx)).isSameAs(boom);
        assertThat(set.size()).isEqualTo(1);
        m.get(0).waker.wake(); // a wake of a member that left does nothing
        m.get(1).complete();
        assertThat(set.pollNext(cx)).isEqualTo("m1");
        assertThat(m.get(0).polls).isEqualTo(2);
        assertThat(m).noneMatch(x -> x.cancelled);
    }

    @Test
    void closeCancelsEveryMemberAndRefusesLaterPushes() {
        FuturesUnordered<String> set = new FuturesUnordered<>();
        List<Manual> m = pushAll(set, 3);
        set.pollNext(cx);
        m.get(1).complete();
        assertThat(set.pollNext(cx)).isEqualTo("m1");
        set.close();
        assertThat(m.get(0).cancelled).isTrue();
        assertThat(m.get(2).cancelled).isTrue();
        assertThat(m.get(1).cancelled).as("completed before the close").isFalse();
        assertThat(set.isEmpty()).isTrue();
        assertThat(set.pollNext(cx)).isNull();

        Manual late = new Manual("late");
        assertThatThrownBy(() -> set.push(late)).isInstanceOf(IllegalStateException.class);
        assertThat(late.cancelled).isTrue();
    }

    @Test
    void clearCancelsTheMembersAndLeavesTheSetOpen() {
        FuturesUnordered<String> set = new FuturesUnordered<>();
        List<Manual> m = pushAll(set, 2);
        set.clear();
        assertThat(m).allMatch(x -> x.cancelled);
        set.push(Future.ready("again"));
        assertThat(set.pollNext(cx)).isEqualTo("again");
    }

    @Test
    void iterationSeesTheMembersThatHaveNotCompleted() {
        FuturesUnordered<String> set = new FuturesUnordered<>();
        List<Manual> m = pushAll(set, 3);
        set.pollNext(cx);
        m.get(1).complete();
        set.pollNext(cx);
        List<Future<? extends String>> left = new ArrayList<>();
        set.forEach(left::add);
        assertThat(left).containsExactly(m.get(2), m.get(0));
    }

    @Test
    void closingRunsTheCleanupOfAsyncBlockMembers() {
        List<String> cleanup = new ArrayList<>();
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
            String first = rt.blockOn(Weft.async(() -> {
                try (FuturesUnordered<String> set = new FuturesUnordered<>()) {
                    for (int i = 1; i <= 3; i++) {
                        int secs = i;
                        set.push(Weft.async(() -> {
                            try {
                                Weft.sleep(Duration.ofSeconds(secs)).await();
                                return "slept " + secs;
                            } finally {
                                cleanup.add("member " + secs + " cleaned up");
                            }
                        }));
                    }
                    return set.next().await();
                }
            }));
            assertThat(first).isEqualTo("slept 1");
        }
        assertThat(cleanup).containsExactlyInAnyOrder(
                "member 1 cleaned up", "member 2 cleaned up", "member 3 cleaned up");
    }

    @Test
    void cancellingAPendingNextLosesNoMember() {
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
            List<String> outputs = rt.blockOn(Weft.async(() -> {
                try (FuturesUnordered<String> set = new FuturesUnordered<>()) {
                    set.push(Weft.async(() -> {
                        Weft.sleep(Duration.ofSeconds(2)).await();
                        return "two";
                    }));
                    set.push(Weft.async(() -> {
                        Weft.sleep(Duration.ofSeconds(3)).await();
                        return "three";
                    }));
                    List<String> out = new ArrayList<>();
                    try {
                        Weft.timeout(Duration.ofSeconds(1), set.next()).await();
                    } catch (ElapsedException expected) {
                        out.add("timed out with " + set.size() + " left");
                    }
                    while (!set.isEmpty()) {
                        out.add(set.next().await());
                    }
                    return out;
                }
            }));
            assertThat(outputs).containsExactly("timed out with 2 left", "two", "three");
        }
    }

    @Test
    void aHundredThousandOneshotsCompletedFromAnotherThreadAreEachYieldedOnce() throws Exception {
        int n = 100_000;
        List<Oneshot<Integer>> channels = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            channels.add(Oneshot.channel());
        }
        CountDownLatch pushed = new CountDownLatch(1);
        Thread sender = new Thread(() -> {
            try {
                pushed.await();
            } catch (InterruptedException e) {
                return;
            }
            for (int i = n - 1; i >= 0; i--) {
                channels.get(i).sender().send(i);
            }
        });
        sender.start();
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            BitSet seen = rt.blockOn(Weft.async(() -> {
                BitSet got = new BitSet(n);
                try (FuturesUnordered<Integer> set = new FuturesUnordered<>()) {
                    channels.forEach(c -> set.push(c.receiver()));
                    pushed.countDown();
                    while (!set.isEmpty()) {
                        int v = set.next().await();
                        if (got.get(v)) {
                            throw new AssertionError("yielded twice: " + v);
                        }
                        got.set(v);
                    }
                }
                return got;
            }));
            assertThat(seen.cardinality()).isEqualTo(n);
        }
        sender.join();
    }

    @Test
    void aHundredThousandAsyncBlocksOnAMultiThreadRuntimeAreEachYieldedOnce() {
        int n = 100_000;
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            BitSet seen = rt.blockOn(Weft.async(() -> {
                BitSet got = new BitSet(n);
                try (FuturesUnordered<Integer> set = new FuturesUnordered<>()) {
                    for (int i = 0; i < n; i++) {
                        int v = i;
                        set.push(Weft.async(() -> {
                            Weft.yieldNow().await();
                            return v;
                        }));
                    }
                    for (Integer v; (v = set.next().await()) != null; ) {
                        if (got.get(v)) {
                            throw new AssertionError("yielded twice: " + v);
                        }
                        got.set(v);
                    }
                }
                return got;
            }));
            assertThat(seen.cardinality()).isEqualTo(n);
        }
    }
}
