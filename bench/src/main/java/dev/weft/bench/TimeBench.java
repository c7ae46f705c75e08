package dev.weft.bench;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import dev.weft.time.Sleep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Tokio's {@code benches/time_timeout.rs} on Weft: one task per worker (1 on the current-thread
 * runtime, 2 on the multi-thread one) each runs its share of the operations, and the score is ns per
 * operation:
 * <ul>
 *   <li>{@link #timeoutReady}: {@code Weft.timeout(1 s, ready).await()}, a timeout around a future that
 *       is ready at once (Tokio's {@code timeout} benches; no timer is registered);</li>
 *   <li>{@link #sleepCreateDrop}: {@code Weft.sleep(1 s)} made and dropped unpolled (Tokio's
 *       {@code sleep} benches);</li>
 *   <li>{@link #sleepRegisterCancel}: made, polled once (its timer goes into the wheel) and cancelled
 *       (taken out): what a timeout that is not needed costs when its future was pending once.</li>
 * </ul>
 * The {@code vt...} benchmarks are the nearest equivalents for virtual threads, two of them:
 * {@code CompletableFuture.orTimeout} on a completed future, and a timer scheduled on a
 * {@code ScheduledThreadPoolExecutor} (with remove-on-cancel) and cancelled.
 */
public class TimeBench extends BenchDefaults {
    static final int OPS = 20_000;

    /** A runtime of each flavour, and how many tasks share the work (one per worker). */
    @State(Scope.Benchmark)
    public static class Rt {
        @Param({"multiThread", "currentThread"})
        public String flavour;
        Runtime rt;
        int tasks;

        @Setup(Level.Trial)
        public void build() {
            rt = WeftBench.newRuntime(flavour);
            tasks = flavour.equals("multiThread") ? WeftBench.WORKERS : 1;
        }

        @TearDown(Level.Trial)
        public void close() {
            rt.close();
        }

        /** Runs {@code perTask} on each task for its share of {@link #OPS}, and waits for all. */
        void run(Blackhole bh, Op perOp) {
            rt.blockOn(Weft.async(() -> {
                List<JoinHandle<Void>> handles = new ArrayList<>(tasks);
                for (int t = 0; t < tasks; t++) {
                    handles.add(Weft.spawn(Weft.async(() -> {
                        for (int i = 0; i < OPS / tasks; i++) {
                            bh.consume(perOp.run(i));
                        }
                    })));
                }
                for (JoinHandle<Void> h : handles) {
                    h.await();
                }
            }));
        }
    }

    /** One operation, run inside a task. */
    interface Op {
        Object run(int i);
    }

    private static final Duration ONE_SECOND = Duration.ofSeconds(1);
    private static final Context NOOP = new Context(Waker.noop());

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void timeoutReady(Rt rt, Blackhole bh) {
        rt.run(bh, i -> Weft.timeout(ONE_SECOND, Future.ready(i)).await());
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void sleepCreateDrop(Rt rt, Blackhole bh) {
        rt.run(bh, i -> Weft.sleep(ONE_SECOND));
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void sleepRegisterCancel(Rt rt, Blackhole bh) {
        rt.run(bh, i -> {
            Sleep s = Weft.sleep(ONE_SECOND);
            Object r = s.poll(NOOP);
            s.cancel();
            return r;
        });
    }

    /** Two virtual threads share the work, as two workers do; a shared scheduled pool is the timer. */
    @State(Scope.Benchmark)
    public static class Vt {
        ScheduledThreadPoolExecutor timers;

        @Setup(Level.Trial)
        public void start() {
            timers = new ScheduledThreadPoolExecutor(1);
            timers.setRemoveOnCancelPolicy(true);
        }

        @TearDown(Level.Trial)
        public void stop() {
            timers.shutdownNow();
        }

        void run(Blackhole bh, Op perOp) throws InterruptedException {
            Thread[] threads = new Thread[WeftBench.WORKERS];
            for (int t = 0; t < threads.length; t++) {
                threads[t] = Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < OPS / threads.length; i++) {
                        bh.consume(perOp.run(i));
                    }
                });
            }
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void vtOrTimeoutCompleted(Vt vt, Blackhole bh) throws InterruptedException {
        vt.run(bh, i -> CompletableFuture.completedFuture(i).orTimeout(1, TimeUnit.SECONDS).join());
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void vtScheduleCancel(Vt vt, Blackhole bh) throws InterruptedException {
        vt.run(bh, i -> {
            ScheduledFuture<?> f = vt.timers.schedule(() -> { }, 1, TimeUnit.SECONDS);
            return f.cancel(false);
        });
    }
}
