package dev.weft.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.weft.Gate;
import dev.weft.Weft;
import dev.weft.runtime.Handle;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import dev.weft.runtime.TaskInfo;
import dev.weft.sync.Notify;
import dev.weft.sync.Oneshot;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Spans: current in a task across awaits, inherited by spawned tasks, instrumented futures, scopes, fields. */
class SpanTest {

    private static Runtime twoWorkers() {
        return Runtime.builder().multiThread().workerThreads(2).name("span").build();
    }

    /** The current span's name, or "-". */
    private static String current() {
        return Span.current().map(Span::name).orElse("-");
    }

    @Test
    void aTaskSpawnedInASpanRunsInItAndSpansMadeThereAreItsChildren() {
        try (Runtime rt = twoWorkers()) {
            Span a = Span.of("a", "user", "ann");
            Notify release = new Notify();
            AtomicReference<Span> made = new AtomicReference<>();
            AtomicReference<String> plainSaw = new AtomicReference<>();
            Oneshot<Boolean> plainRunning = Oneshot.channel();
            var running = plainRunning.sender();

            JoinHandle<TaskInfo> parent = rt.spawn(a.instrument(Weft.async(() -> {
                // A child that makes its own span: a child of a, though it is made in another task.
                JoinHandle<Void> maker = Weft.spawn(() -> made.set(Span.of("b", "step", 2)));
                // A child with no span of its own: it runs in a, and says so while it waits.
                JoinHandle<Void> plain = Weft.spawn("plain", () -> {
                    plainSaw.set(current());
                    running.send(true);
                    release.notified().await();
                    plainSaw.set(plainSaw.get() + ", then " + current());
                });
                maker.await();
                plainRunning.receiver().await();
                TaskInfo info = infoOf("plain");
                release.notifyOne();
                plain.await();
                return info;
            })));
            TaskInfo plainInfo = rt.blockOn(parent);

            assertThat(made.get().name()).isEqualTo("b");
            assertThat(made.get().parent()).containsSame(a);
            assertThat(plainSaw.get()).isEqualTo("a, then a");
            assertThat(plainInfo.span()).isSameAs(a);
            assertThat(current()).as("the test thread").isEqualTo("-");
        }
    }

    /** The live task called {@code name}, as the runtime sees it. */
    private static TaskInfo infoOf(String name) {
        return Handle.current().tasks().stream()
                .filter(t -> name.equals(t.name())).findFirst().orElseThrow();
    }

    @Test
    void aSpanIsCurrentAfterEveryAwaitWhoeverWakesTheTask() throws Exception {
        try (Runtime rt = twoWorkers()) {
            Span s = Span.of("request", "id", 7);
            Gate fromOutside = new Gate();
            List<String> seen = new ArrayList<>();
            JoinHandle<List<String>> task = rt.spawn(s.instrument(Weft.async(() -> {
                seen.add(current());
                Weft.yieldNow().await();
                seen.add(current());
                Oneshot<Integer> ch = Oneshot.channel();
                var tx = ch.sender();
                Weft.spawn(() -> tx.send(1)); // woken by another task
                ch.receiver().await();
                seen.add(current());
                fromOutside.await(); // woken from a thread outside the runtime
                seen.add(current());
                return seen;
            })));
            fromOutside.openFromAnotherThread().join();
            assertThat(rt.blockOn(task)).containsExactly("request", "request", "request", "request");
        }
    }

    @Test
    void anInstrumentedFutureAwaitedInABlockHasItsSpanAndTheBlocksSpanComesBackAfter() {
        try (Runtime rt = twoWorkers()) {
            Span outer = Span.of("outer");
            String seen = rt.blockOn(rt.spawn(outer.instrument(Weft.async(() -> {
                String before = current();
                Span inner = Span.of("inner");
                String during = inner.instrument(Weft.async(() -> {
                    String first = current();
                    Weft.yieldNow().await();
                    return first + "/" + current() + " (parent " + Span.current().orElseThrow().parent()
                            .map(Span::name).orElse("-") + ")";
                })).await();
                String after = current();
                Weft.yieldNow().await();
                return before + " " + during + " " + after + " " + current();
            }))));
            assertThat(seen).isEqualTo("outer inner/inner (parent outer) outer outer");
        }
    }

    @Test
    void aSpawnedInstrumentedFutureMakesATaskInThatSpan() {
        try (Runtime rt = twoWorkers()) {
            Span outer = Span.of("outer");
            Span own = Span.of("own");
            TaskInfo info = rt.blockOn(rt.spawn(outer.instrument(Weft.async(() -> {
                Oneshot<TaskInfo> seen = Oneshot.channel();
                var tx = seen.sender();
                Notify done = new Notify();
                JoinHandle<Void> child = Handle.current().spawn("child", own.instrument(Weft.async(() -> {
                    tx.send(infoOf("child"));
                    done.notified().await();
                })));
                TaskInfo i = seen.receiver().await();
                done.notifyOne();
                child.await();
                return i;
            }))));
            assertThat(info.span()).isSameAs(own);
            assertThat(info.body()).as("the body is the block's, not the wrapper's").startsWith(SpanTest.class.getName());
        }
    }

    @Test
    void aScopeMakesTheSpanCurrentForSynchronousCodeAndTasksSpawnedInIt() {
        try (Runtime rt = twoWorkers()) {
            Span s = Span.of("batch", "n", 3);
            JoinHandle<String> spawned;
            try (Span.Scope in = s.enter()) {
                assertThat(current()).isEqualTo("batch");
                Span child = Span.of("item");
                assertThat(child.parent()).containsSame(s);
                try (Span.Scope again = s.enter()) {
                    assertThat(current()).isEqualTo("batch");
                }
                assertThat(current()).as("re-entering changes nothing").isEqualTo("batch");
                spawned = rt.spawn(Weft.async(SpanTest::current));
            }
            assertThat(current()).isEqualTo("-");
            assertThat(rt.blockOn(spawned)).isEqualTo("batch");
        }
    }

    @Test
    void scopesClosedOutOfOrderFailAndLeaveTheCurrentSpanAlone() throws Exception {
        List<String> seen = new ArrayList<>();
        Thread t = new Thread(() -> { // a thread of its own: the misuse leaves a span current on it
            Span a = Span.of("a");
            Span b = Span.of("b");
            Span.Scope inA = a.enter();
            Span.Scope inB = b.enter();
            try {
                inA.close();
            } catch (IllegalStateException e) {
                seen.add(e.getMessage().contains("closed before a scope entered inside it") ? "refused" : e.getMessage());
            }
            seen.add(current());
            inB.close();
            seen.add(current());
        });
        t.start();
        t.join();
        assertThat(seen).containsExactly("refused", "b", "a");
    }

    @Test
    void aScopeHeldAcrossAnAwaitThatSuspendsFailsWhenClosed() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            Span task = Span.of("task");
            Span scoped = Span.of("scoped");
            AtomicReference<String> afterAwait = new AtomicReference<>();
            JoinHandle<Void> h = rt.spawn(task.instrument(Weft.async(() -> {
                try (Span.Scope in = scoped.enter()) {
                    Weft.yieldNow().await();
                    afterAwait.set(current());
                }
            })));
            assertThatThrownBy(() -> rt.blockOn(h)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("held across an await");
            assertThat(afterAwait.get()).as("after the await, the task's span is current again").isEqualTo("task");
        }
    }

    @Test
    void theCancellationOfAnInstrumentedBlockRunsInItsSpan() {
        try (Runtime rt = twoWorkers()) {
            Span s = Span.of("doomed");
            Gate never = new Gate();
            AtomicReference<String> inFinally = new AtomicReference<>();
            Oneshot<Boolean> waiting = Oneshot.channel();
            var tx = waiting.sender();
            JoinHandle<Void> h = rt.spawn(Weft.async(() -> s.instrument(Weft.async(() -> {
                try {
                    tx.send(true);
                    never.await();
                } finally {
                    inFinally.set(current());
                }
            })).await()));
            rt.blockOn(waiting.receiver());
            h.abort();
            assertThatThrownBy(() -> rt.blockOn(h)).isInstanceOf(CancellationException.class);
            assertThat(inFinally.get()).isEqualTo("doomed");
        }
    }

    @Test
    void blockInPlaceRunsItsWorkInTheBlocksSpan() {
        try (Runtime rt = twoWorkers()) {
            Span s = Span.of("io");
            String seen = rt.blockOn(rt.spawn(s.instrument(Weft.async(
                    () -> Weft.blockInPlace(() -> Thread.currentThread().getName() + " in " + current())))));
            assertThat(seen).matches("span-blocking-\\d+ in io");
        }
    }

    @Test
    void recordedFieldsAreSeenFromThenOnInOrder() {
        Span s = Span.of("login", "client", "10.0.0.1", "user", null);
        assertThat(s.fields()).containsExactly(entry("client", "10.0.0.1"), new SimpleEntry<>("user", null));
        s.record("user", "ann");
        s.record("rows", 3);
        assertThat(s.fields()).containsExactly(entry("client", "10.0.0.1"), entry("user", "ann"), entry("rows", 3));
        assertThat(s).hasToString("login{client=10.0.0.1, user=ann, rows=3}");
    }

    @Test
    void fieldsComeInPairsOfAStringKeyAndAValue() {
        assertThatThrownBy(() -> Span.of("x", "k")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Span.of(\"x\", ...) takes keys and values in pairs");
        assertThatThrownBy(() -> Span.of("x", 1, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the key at position 0 is 1, not a String");
    }

    @Test
    void spansHaveDistinctIdsAndNoParentWhereNoSpanIsCurrent() {
        Span a = Span.of("a");
        Span b = Span.of("b");
        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(a.parent()).isEqualTo(Optional.empty());
        assertThat(Span.current()).isEmpty();
    }
}
