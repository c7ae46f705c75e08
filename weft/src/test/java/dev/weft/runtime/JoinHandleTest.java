package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Future;
import dev.weft.Gate;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Spawn, join, abort, detach, and what happens to failures. */
class JoinHandleTest {

    @Test
    void aHandleAwaitedByTwoTasksGivesBothTheOutputAndKeepsIt() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            Gate gate = new Gate();
            List<String> got = rt.blockOn(Weft.async(() -> {
                JoinHandle<String> shared = Weft.spawn(() -> {
                    gate.await();
                    return "out";
                });
                JoinHandle<String> a = Weft.spawn(() -> "a:" + shared.await());
                JoinHandle<String> b = Weft.spawn(() -> "b:" + shared.await());
                Weft.yieldNow().await(); // both joiners are waiting now
                gate.open();
                return List.of(a.await(), b.await(), "again:" + shared.await());
            }));
            assertThat(got).containsExactly("a:out", "b:out", "again:out");
        }
    }

    @Test
    void aFailureReachesEveryJoinerAsTheSameObjectWithOneAsyncTrace() {
        IllegalStateException boom = new IllegalStateException("boom");
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            List<Throwable> seen = rt.blockOn(Weft.async(() -> {
                JoinHandle<Void> failing = Weft.spawn(() -> {
                    Weft.yieldNow().await();
                    throw boom;
                });
                List<Throwable> caught = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    try {
                        failing.await();
                    } catch (IllegalStateException e) {
                        caught.add(e);
                    }
                }
                return caught;
            }));
            assertThat(seen).hasSize(3).allSatisfy(t -> assertThat(t).isSameAs(boom));
            Throwable[] traces = Arrays.stream(boom.getSuppressed()).filter(AsyncTrace.class::isInstance)
                    .toArray(Throwable[]::new);
            assertThat(traces).hasSize(1);
            assertThat(traces[0].getMessage()).contains("JoinHandleTest").contains("awaited at");
            assertThat(traces[0].getStackTrace()).anySatisfy(
                    frame -> assertThat(frame.getClassName()).startsWith(JoinHandleTest.class.getName()));
        }
    }

    @Test
    void droppingTheHandleDetachesTheTask() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            Gate gate = new Gate();
            AtomicReference<String> ran = new AtomicReference<>();
            rt.blockOn(Weft.async(() -> {
                JoinHandle<Void> h = Weft.spawn(() -> {
                    gate.await();
                    ran.set("finished without anyone awaiting");
                });
                h.cancel(); // what a combinator does when it drops a handle
                Weft.yieldNow().await();
                gate.open();
                Weft.yieldNow().await();
            }));
            assertThat(ran.get()).isEqualTo("finished without anyone awaiting");
        }
    }

    @Test
    void anAbortHandleAbortsFromAnotherThread() throws Exception {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            JoinHandle<Void> task = rt.spawn(Future.never());
            AbortHandle abort = task.abortHandle();
            assertThat(abort.id()).isEqualTo(task.id());
            Thread t = new Thread(abort::abort);
            t.start();
            t.join();
            assertThatThrownBy(() -> rt.blockOn(task)).isInstanceOf(CancellationException.class);
            assertThat(abort.isFinished()).isTrue();
        }
    }

    @Test
    void abortingAFinishedTaskKeepsItsOutput() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            JoinHandle<Integer> h = rt.spawn(Future.ready(5));
            rt.blockOn(h);
            h.abort();
            assertThat(rt.blockOn(h)).isEqualTo(5);
        }
    }

    @Test
    void aFailureNobodyAwaitedIsReportedOnceTheHandleIsUnreachable() throws Exception {
        CountDownLatch reported = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<TaskInfo> which = new AtomicReference<>();
        try (Runtime rt = Runtime.builder().currentThread().onUnobservedFailure((info, t) -> {
            which.set(info);
            failure.set(t);
            reported.countDown();
        }).build()) {
            rt.blockOn(Weft.async(() -> {
                Weft.spawn(() -> {
                    throw new IllegalArgumentException("nobody looked");
                });
                Weft.yieldNow().await();
            }));
            for (int i = 0; i < 100 && reported.getCount() > 0; i++) {
                System.gc();
                reported.await(100, TimeUnit.MILLISECONDS);
            }
        }
        assertThat(reported.getCount()).as("reported within 10 s of GC").isZero();
        assertThat(failure.get()).hasMessage("nobody looked");
        assertThat(failure.get().getSuppressed()).singleElement().isInstanceOf(AsyncTrace.class)
                .satisfies(t -> assertThat(t.getMessage()).contains("dropped without anyone awaiting"));
        assertThat(which.get().body()).contains("JoinHandleTest");
    }

    @Test
    void spawningOnAShutDownRuntimeGivesAHandleThatReportsCancellation() {
        Runtime rt = Runtime.builder().currentThread().name("closed-early").build();
        rt.close();
        JoinHandle<Integer> h = rt.handle().spawn("late", Future.ready(1));
        assertThat(h.isFinished()).isTrue();
        Runtime other = Runtime.builder().currentThread().build();
        try (other) {
            // The message names the runtime, not the task.
            assertThatThrownBy(() -> other.blockOn(h)).isInstanceOf(CancellationException.class)
                    .hasMessageContaining("the runtime 'closed-early' is shut down");
        }
        assertThatThrownBy(() -> rt.blockOn(Future.ready(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shut down");
    }
}
