package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Async blocks: laziness, awaiting, cancellation and failures, on the current-thread runtime. */
class AsyncBlockTest {
    private final Runtime rt = Runtime.builder().currentThread().build();

    @AfterEach
    void closeRuntime() {
        rt.close(Duration.ofSeconds(5));
    }

    @Test
    void aBlockRunsOnlyWhenPolledAndSuspendsWhileTheAwaitedFutureIsPending() {
        List<String> log = new ArrayList<>();
        Gate gate = new Gate();
        Future<String> block = Weft.async(() -> {
            log.add("started");
            gate.await();
            log.add("resumed");
            return "done";
        });
        assertThat(log).isEmpty();

        Context cx = new Context(Waker.noop());
        assertThat(rt.blockOn(Weft.async(() -> {
            assertThat(block.poll(cx)).isSameAs(Future.PENDING);
            assertThat(log).containsExactly("started");
            gate.open();
            return block.poll(cx);
        }))).isEqualTo("done");
        assertThat(log).containsExactly("started", "resumed");
    }

    @Test
    void awaitingAnUnstartedBlockRunsItsBodyInlineOnTheAwaitersStack() {
        String outerMethod = rt.blockOn(Weft.async(() -> {
            String me = StackWalker.getInstance().walk(s -> s.findFirst().orElseThrow().getMethodName());
            Future<String> inner = Weft.async(() -> StackWalker.getInstance()
                    .walk(s -> s.skip(1).filter(f -> f.getMethodName().equals(me)).findFirst())
                    .map(StackWalker.StackFrame::getMethodName).orElse("not on the awaiter's stack"));
            return inner.await();
        }));
        assertThat(outerMethod).startsWith("lambda$");
    }

    @Test
    void twoAwaitersNeverBothRunOneBlock() {
        Gate gate = new Gate();
        Future<Integer> shared = Weft.async(() -> {
            gate.await();
            return 1;
        });
        Throwable second = rt.blockOn(Weft.async(() -> {
            JoinHandle<Integer> first = Weft.spawn(shared::await); // runs the body inline, suspends at the gate
            Weft.yieldNow().await();
            JoinHandle<Integer> other = Weft.spawn(shared::await);
            Throwable seen = null;
            try {
                other.await();
            } catch (IllegalStateException e) {
                seen = e;
            }
            gate.open();
            assertThat(first.await()).isEqualTo(1);
            return seen;
        }));
        assertThat(second).hasMessageContaining("already running");
    }

    @Test
    void everyAwaitAfterCancellationThrowsIncludingReadyOnes() {
        List<String> log = new ArrayList<>();
        Gate gate = new Gate();
        rt.blockOn(Weft.async(() -> {
            JoinHandle<Void> task = Weft.spawn(() -> {
                try {
                    gate.await();
                    log.add("gate passed");
                } catch (CancellationException e) {
                    log.add("pending await threw");
                }
                try {
                    Future.ready(1).await();
                    log.add("ready await returned");
                } catch (CancellationException e) {
                    log.add("ready await threw");
                }
                try {
                    Weft.yieldNow().await();
                } catch (CancellationException e) {
                    log.add("yield threw");
                }
            });
            Weft.yieldNow().await(); // the task starts and suspends at the gate
            task.abort();
            assertThatThrownBy(task::await).isInstanceOf(CancellationException.class);
        }));
        assertThat(log).containsExactly("pending await threw", "ready await threw", "yield threw");
        assertThat(gate.cancelled()).as("the pending future was cancelled (dropped)").isTrue();
    }

    @Test
    void abortRunsFinallyAndTheHandleReportsCancellationOnlyAfterIt() {
        List<String> log = new ArrayList<>();
        rt.blockOn(Weft.async(() -> {
            JoinHandle<Void> task = Weft.spawn(() -> {
                try {
                    Future.never().await();
                } finally {
                    log.add("finally");
                }
            });
            Weft.yieldNow().await();
            task.abort();
            assertThat(task.isFinished()).as("abort only requests").isFalse();
            try {
                task.await();
            } catch (CancellationException e) {
                log.add("handle reported cancellation");
            }
            assertThat(task.isFinished()).isTrue();
        }));
        assertThat(log).containsExactly("finally", "handle reported cancellation");
    }

    @Test
    void nonCancellableCleanupMayAwaitAndTheTaskEndsOnlyAfterIt() {
        List<String> log = new ArrayList<>();
        Gate slowCleanup = new Gate();
        rt.blockOn(Weft.async(() -> {
            JoinHandle<Void> task = Weft.spawn(() -> {
                try {
                    Future.never().await();
                } finally {
                    Weft.nonCancellable(Duration.ofSeconds(1), () -> {
                        log.add("cleanup started");
                        slowCleanup.await(); // suspends the unwinding task
                        Weft.yieldNow().await();
                        log.add("cleanup finished");
                        return null;
                    }).await();
                }
            });
            Weft.yieldNow().await();
            task.abort();
            Weft.yieldNow().await(); // the abort is delivered; cleanup suspends at the gate
            assertThat(log).containsExactly("cleanup started");
            assertThat(task.isFinished()).isFalse();
            slowCleanup.open();
            assertThatThrownBy(task::await).isInstanceOf(CancellationException.class);
            log.add("handle reported cancellation");
        }));
        assertThat(log).containsExactly("cleanup started", "cleanup finished", "handle reported cancellation");
    }

    @Test
    void aBlockThatSwallowsItsCancellationHasItsOutputDiscarded() {
        Throwable outcome = rt.blockOn(Weft.async(() -> {
            JoinHandle<Integer> task = Weft.spawn(() -> {
                try {
                    Future.never().await();
                } catch (CancellationException swallowed) {
                    return 42;
                }
                return 0;
            });
            Weft.yieldNow().await();
            task.abort();
            try {
                return "returned " + task.await();
            } catch (CancellationException e) {
                return e;
            }
        }).map(r -> r instanceof Throwable t ? t : new AssertionError(r)));
        assertThat(outcome).isInstanceOf(CancellationException.class);
    }

    @Test
    void aFailureInCleanupIsNotSwallowed() {
        IllegalStateException cleanupBug = new IllegalStateException("cleanup failed");
        Throwable seen = rt.blockOn(Weft.async(() -> {
            JoinHandle<Void> task = Weft.spawn(() -> {
                try {
                    Future.never().await();
                } finally {
                    throw cleanupBug;
                }
            });
            Weft.yieldNow().await();
            task.abort();
            try {
                task.await();
                return null;
            } catch (CancellationException e) {
                return e;
            }
        }));
        assertThat(seen).isInstanceOf(CancellationException.class);
        assertThat(seen.getSuppressed()).contains(cleanupBug);
    }

    @Test
    void cancellingAnOuterBlockUnwindsTheBlocksItAwaitsOnTheSameThread() {
        List<String> log = new ArrayList<>();
        rt.blockOn(Weft.async(() -> {
            Future<Void> child = Weft.async(() -> {
                try {
                    Future.never().await();
                } finally {
                    log.add("child finally");
                }
            });
            // Polled by a combinator (map), the child gets a continuation of its own.
            JoinHandle<Void> parent = Weft.spawn(child.map(v -> v));
            Weft.yieldNow().await();
            parent.abort();
            assertThatThrownBy(parent::await).isInstanceOf(CancellationException.class);
        }));
        assertThat(log).containsExactly("child finally");
    }

    @Test
    void uncheckedFailuresArriveAsTheSameObject() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        Future<Integer> inner = Weft.async(() -> {
            Weft.yieldNow().await();
            throw boom;
        });
        assertThatThrownBy(() -> rt.blockOn(Weft.async(() -> inner.await() + 1))).isSameAs(boom);
    }

    @Test
    void checkedFailuresAreWrappedExactlyOnceThroughNestedAwaits() {
        Exception checked = new Exception("checked");
        Future<Integer> inner = Weft.async(() -> {
            Weft.yieldNow().await();
            throw checked;
        });
        Future<Integer> middle = Weft.async(() -> inner.await() + 1);
        AtomicReference<Throwable> atMiddle = new AtomicReference<>();
        Throwable atTop = catchThrowable(() -> rt.blockOn(Weft.async(() -> {
            try {
                return middle.map(x -> x).await();
            } catch (AsyncException e) {
                atMiddle.set(e);
                throw e;
            }
        })));
        assertThat(atTop).isInstanceOf(AsyncException.class).hasCause(checked).isSameAs(atMiddle.get());
        assertThat(atTop.getCause().getCause()).isNull();
    }

    @Test
    void ioExceptionsSurfaceAsUncheckedIoException() {
        IOException io = new IOException("read failed");
        assertThatThrownBy(() -> rt.blockOn(Weft.async(() -> {
            throw io;
        }))).isInstanceOf(UncheckedIOException.class).hasCause(io);
    }

    @Test
    void awaitingReadyFuturesNeverSuspendsTheBlock() {
        AtomicInteger sum = new AtomicInteger();
        AtomicInteger polls = new AtomicInteger();
        Future<Void> block = Weft.async(() -> {
            for (int i = 0; i < 1_000; i++) {
                sum.addAndGet(Future.ready(i).await());
            }
        });
        Future<Void> countingPolls = cx -> {
            polls.incrementAndGet();
            return block.poll(cx);
        };
        rt.blockOn(countingPolls);
        assertThat(sum).hasValue(499_500);
        assertThat(polls).as("one poll ran the block to the end").hasValue(1);
    }

    private static Throwable catchThrowable(Runnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }
}
