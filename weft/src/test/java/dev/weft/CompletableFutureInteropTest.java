package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Future.fromStage and JoinHandle.toCompletableFuture: outcomes, threads, cancellation both ways. */
class CompletableFutureInteropTest {

    /** A waker that counts its wakes. */
    private static final class Counting implements Waker {
        final AtomicInteger wakes = new AtomicInteger();

        @Override
        public void wake() {
            wakes.incrementAndGet();
        }
    }

    @Test
    void aStageFutureIsPendingUntilTheStageCompletesAndRegistersOneCallback() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Future<String> f = Future.fromStage(cf);
        Counting first = new Counting();
        Counting latest = new Counting();
        assertThat(f.poll(new Context(first))).isSameAs(Future.PENDING);
        assertThat(f.poll(new Context(first))).isSameAs(Future.PENDING);
        assertThat(f.poll(new Context(latest))).isSameAs(Future.PENDING);
        assertThat(cf.getNumberOfDependents()).as("one callback for three polls").isEqualTo(1);

        cf.complete("done");
        assertThat(first.wakes.get()).isZero();
        assertThat(latest.wakes.get()).as("the waker of the latest poll").isEqualTo(1);
        assertThat(f.poll(new Context(latest))).isEqualTo("done");
    }

    @Test
    void aCompletedStageIsReadyOnTheFirstPoll() {
        assertThat(Future.fromStage(CompletableFuture.completedFuture(null)).poll(new Context(Waker.noop()))).isNull();
        // A minimal stage refuses isDone(): it takes the callback, which runs at once.
        assertThat(Future.fromStage(CompletableFuture.completedStage("stage")).poll(new Context(Waker.noop())))
                .isEqualTo("stage");
    }

    @Test
    void theStagesFailureIsThrownUnwrappedFromItsCompletionException() {
        IllegalStateException boom = new IllegalStateException("boom");
        CompletableFuture<String> source = new CompletableFuture<>();
        Future<String> dependent = Future.fromStage(source.thenApply(s -> s + "!"));
        Future<String> direct = Future.fromStage(source);
        Context cx = new Context(Waker.noop());
        dependent.poll(cx);
        direct.poll(cx);
        source.completeExceptionally(boom);
        assertThatThrownBy(() -> dependent.poll(cx)).isSameAs(boom);
        assertThatThrownBy(() -> direct.poll(cx)).isSameAs(boom);

        IOException io = new IOException("disk");
        assertThatThrownBy(() -> Future.fromStage(CompletableFuture.failedFuture(io)).poll(cx))
                .isInstanceOf(UncheckedIOException.class).hasCause(io);
    }

    @Test
    void cancellingTheCompletableFutureFailsTheWeftFutureWithCancellation() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Future<String> f = Future.fromStage(cf);
        Counting w = new Counting();
        f.poll(new Context(w));
        cf.cancel(false);
        assertThat(w.wakes.get()).isEqualTo(1);
        assertThatThrownBy(() -> f.poll(new Context(w))).isInstanceOf(CancellationException.class);
    }

    @Test
    void cancellingTheWeftFutureCancelsTheCompletableFutureAndDropsTheWaker() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Future<String> f = Future.fromStage(cf);
        Counting w = new Counting();
        f.poll(new Context(w));
        f.cancel();
        assertThat(cf.isCancelled()).isTrue();
        assertThat(w.wakes.get()).as("no wake after cancel").isZero();

        CompletableFuture<String> shielded = new CompletableFuture<>();
        Future<String> viaMinimal = Future.fromStage(shielded.minimalCompletionStage());
        viaMinimal.poll(new Context(w));
        viaMinimal.cancel(); // a minimal stage cannot be cancelled: nothing happens
        assertThat(shielded.isCancelled()).isFalse();
    }

    @Test
    void abortingATaskThatAwaitsAStageCancelsTheStage() throws Exception {
        CompletableFuture<String> cf = new CompletableFuture<>();
        CountDownLatch awaiting = new CountDownLatch(1);
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            JoinHandle<String> h = rt.spawn(Weft.async(() -> {
                awaiting.countDown();
                return Future.fromStage(cf).await();
            }));
            assertThat(awaiting.await(10, TimeUnit.SECONDS)).isTrue();
            h.abort();
            assertThatThrownBy(() -> rt.blockOn(h)).isInstanceOf(CancellationException.class);
            assertThat(cf.isCancelled()).isTrue();
        }
    }

    @Test
    void aStageCompletedFromAnotherThreadWakesTheTaskThatAwaitsIt() {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            CompletableFuture<Integer> cf = CompletableFuture.supplyAsync(() -> 41);
            assertThat(rt.blockOn(Weft.async(() -> Future.fromStage(cf.thenApply(x -> x + 1)).await())))
                    .isEqualTo(42);
        }
    }

    @Test
    void aRoundTripThroughBothBridgesKeepsTheValueAndTheFailure() throws Exception {
        IllegalArgumentException bad = new IllegalArgumentException("bad");
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            CompletableFuture<String> in = new CompletableFuture<>();
            CompletableFuture<String> out = rt.spawn(Weft.async(() -> Future.fromStage(in).await() + " back"))
                    .toCompletableFuture();
            in.complete("there and");
            assertThat(out.get(10, TimeUnit.SECONDS)).isEqualTo("there and back");

            CompletableFuture<String> failing = rt.spawn(Future.fromStage(CompletableFuture.<String>failedFuture(bad)))
                    .toCompletableFuture();
            assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isSameAs(bad);
            assertThatThrownBy(failing::join).isInstanceOf(CompletionException.class).cause().isSameAs(bad);
        }
    }

    @Test
    void cancellingTheCompletableFutureOfATaskAbortsTheTaskAndItsFinallyRuns() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cleanedUp = new CountDownLatch(1);
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            JoinHandle<String> h = rt.spawn(Weft.async(() -> {
                try {
                    started.countDown();
                    return Future.<String>never().await();
                } finally {
                    cleanedUp.countDown();
                }
            }));
            CompletableFuture<String> cf = h.toCompletableFuture();
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(cf.cancel(false)).isTrue();
            assertThat(cleanedUp.await(10, TimeUnit.SECONDS)).as("the task's finally ran").isTrue();
            assertThatThrownBy(() -> rt.blockOn(h)).isInstanceOf(CancellationException.class);
        }
    }

    @Test
    void anAbortedTaskCancelsItsCompletableFuture() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            JoinHandle<String> h = rt.spawn(Future.never());
            CompletableFuture<String> cf = h.toCompletableFuture();
            CountDownLatch completed = new CountDownLatch(1);
            cf.whenComplete((v, x) -> completed.countDown());
            h.abort();
            assertThat(completed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(cf.isCancelled()).isTrue();
        }
    }

    @Test
    void theCompletableFutureCompletesOnTheTasksThreadOrOnTheCallerWhenTheTaskHadFinished() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("interop").build()) {
            CompletableFuture<Void> gate = new CompletableFuture<>();
            JoinHandle<String> h = rt.spawn(Future.fromStage(gate).map(v -> "x"));
            AtomicReference<String> ranOn = new AtomicReference<>();
            CompletableFuture<String> cf = h.toCompletableFuture();
            CompletableFuture<Void> dependent = cf.thenAccept(v -> ranOn.set(Thread.currentThread().getName()));
            gate.complete(null);
            dependent.get(10, TimeUnit.SECONDS);
            assertThat(ranOn.get()).as("a dependent without an executor runs on the worker").contains("interop");

            CompletableFuture<String> late = h.toCompletableFuture();
            assertThat(late.isDone()).as("completed on the calling thread, before it returned").isTrue();
            assertThat(late.join()).isEqualTo("x");
        }
    }

    @Test
    void aTimeoutCancelsTheStageItGaveUpOn() {
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
            CompletableFuture<String> slow = new CompletableFuture<>();
            assertThatThrownBy(() -> rt.blockOn(Weft.timeout(Duration.ofSeconds(1), Future.fromStage(slow))))
                    .isInstanceOf(dev.weft.time.ElapsedException.class);
            assertThat(slow.isCancelled()).isTrue();
        }
    }
}
