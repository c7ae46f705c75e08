package dev.weft.bench;

import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Tokio's scheduler benchmarks ({@code benches/rt_multi_threaded.rs} and {@code rt_current_thread.rs})
 * on Weft's two runtimes: {@code flavour=multiThread} (2 workers, the reference machine's core count)
 * and {@code flavour=currentThread}. {@link VirtualThreadBench} runs the same scenarios on virtual
 * threads.
 *
 * <p>Every score is nanoseconds per operation: per spawned task, or per yield for
 * {@link #yieldMany}. A spawned task is written two ways: as an async block ({@code Weft.spawn(() ->
 * ...)}, the normal user path: the task's first poll creates a continuation and runs the body in it),
 * and, in the {@code ...HandWritten} benchmarks, as a hand-written future (a lambda
 * {@code cx -> { ...; return null; }}: no continuation at all). The difference is the price of a
 * continuation for a task that never suspends.
 *
 * <p>Waiting is async: the benchmark thread hands a {@link Countdown} (or a {@code JoinHandle}) to
 * {@code blockOn}, where Tokio receives from a blocking channel. On the multi-thread runtime
 * {@code blockOn} runs its future on the calling thread, which is not a worker; so "local" spawns come
 * from a task spawned onto the runtime, and "remote" ones from the benchmark thread.
 */
public class WeftBench extends BenchDefaults {
    static final int WORKERS = 2;
    static final int SPAWNS = 10_000;
    static final int YIELD_TASKS = 200;
    static final int YIELDS_PER_TASK = 1_000;
    static final int CHAIN = 1_000;
    /** Tokio keeps 2 x workers tasks busy in spawn_many_remote_busy, each spinning 10 µs per turn. */
    static final int BUSY_TASKS = 2 * WORKERS;
    static final int STALL_MICROS = 10;

    static Runtime newRuntime(String flavour) {
        return switch (flavour) {
            case "multiThread" -> Runtime.builder().multiThread().workerThreads(WORKERS).name("bench").build();
            case "currentThread" -> Runtime.builder().currentThread().name("bench").build();
            default -> throw new IllegalArgumentException("unknown flavour " + flavour);
        };
    }

    /** An idle runtime for the trial. A current-thread one is bound to the JMH thread at its first blockOn. */
    @State(Scope.Benchmark)
    public static class Rt {
        @Param({"multiThread", "currentThread"})
        public String flavour;
        Runtime rt;

        @Setup(Level.Trial)
        public void build() {
            rt = newRuntime(flavour);
        }

        @TearDown(Level.Trial)
        public void close() {
            rt.close();
        }
    }

    /**
     * A runtime kept busy for the whole trial, as in Tokio. Multi-thread: {@value #BUSY_TASKS} tasks
     * that yield and spin {@value #STALL_MICROS} µs in a loop. Current-thread: Tokio's
     * {@code rt_current_thread} busy load instead, a chain of tasks each spawning the next, which runs
     * only while {@code blockOn} drives the runtime.
     */
    @State(Scope.Benchmark)
    public static class BusyRt {
        @Param({"multiThread", "currentThread"})
        public String flavour;
        Runtime rt;
        volatile boolean busy = true;

        @Setup(Level.Trial)
        public void build() {
            rt = newRuntime(flavour);
            if (flavour.equals("multiThread")) {
                for (int i = 0; i < BUSY_TASKS; i++) {
                    rt.spawn(Weft.async(() -> {
                        while (busy) {
                            Weft.yieldNow().await();
                            Stall.micros(STALL_MICROS);
                        }
                    }));
                }
            } else {
                rt.spawn(Weft.async(() -> respawn(this)));
            }
        }

        private static void respawn(BusyRt state) {
            if (state.busy) {
                Weft.spawn(() -> respawn(state));
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            busy = false;
            rt.close();
        }
    }

    private static Future<Void> countDownFuture(Countdown done) {
        return cx -> {
            done.countDown();
            return null;
        };
    }

    // ---------------------------------------------------------------------------------------------
    // spawn_many_local: 10,000 tasks spawned by a task on the runtime, which then awaits them all.

    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public void spawnManyLocal(Rt s) {
        Countdown done = new Countdown(SPAWNS);
        s.rt.blockOn(s.rt.spawn(Weft.async(() -> {
            for (int i = 0; i < SPAWNS; i++) {
                Weft.spawn(() -> {
                    done.countDown();
                });
            }
            done.await();
        })));
    }

    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public void spawnManyLocalHandWritten(Rt s) {
        Countdown done = new Countdown(SPAWNS);
        s.rt.blockOn(s.rt.spawn(Weft.async(() -> {
            for (int i = 0; i < SPAWNS; i++) {
                Weft.spawn(countDownFuture(done));
            }
            done.await();
        })));
    }

    // ---------------------------------------------------------------------------------------------
    // spawn_many_remote_idle: 10,000 tasks spawned from the benchmark thread onto an idle runtime.

    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public void spawnManyRemoteIdle(Rt s) {
        spawnRemote(s.rt, false);
    }

    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public void spawnManyRemoteIdleHandWritten(Rt s) {
        spawnRemote(s.rt, true);
    }

    // ---------------------------------------------------------------------------------------------
    // spawn_many_remote_busy: the same, onto a runtime kept busy.

    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public void spawnManyRemoteBusy(BusyRt s) {
        spawnRemote(s.rt, false);
    }

    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public void spawnManyRemoteBusyHandWritten(BusyRt s) {
        spawnRemote(s.rt, true);
    }

    private static void spawnRemote(Runtime rt, boolean handWritten) {
        Countdown done = new Countdown(SPAWNS);
        for (int i = 0; i < SPAWNS; i++) {
            if (handWritten) {
                rt.spawn(countDownFuture(done));
            } else {
                rt.spawn(Weft.async(() -> {
                    done.countDown();
                }));
            }
        }
        rt.blockOn(done);
    }

    // ---------------------------------------------------------------------------------------------
    // yield_many: 200 tasks, each yielding 1,000 times. Score: ns per yield.

    @Benchmark
    @OperationsPerInvocation(YIELD_TASKS * YIELDS_PER_TASK)
    public void yieldMany(Rt s) {
        Countdown done = new Countdown(YIELD_TASKS);
        for (int i = 0; i < YIELD_TASKS; i++) {
            s.rt.spawn(Weft.async(() -> {
                for (int j = 0; j < YIELDS_PER_TASK; j++) {
                    Weft.yieldNow().await();
                }
                done.countDown();
            }));
        }
        s.rt.blockOn(done);
    }

    // ---------------------------------------------------------------------------------------------
    // chained_spawn: a chain of 1,000 tasks, each spawning the next; the last one signals.

    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public void chainedSpawn(Rt s) {
        Countdown done = new Countdown(1);
        s.rt.spawn(Weft.async(() -> chain(done, CHAIN)));
        s.rt.blockOn(done);
    }

    private static void chain(Countdown done, int left) {
        if (left == 0) {
            done.countDown();
        } else {
            Weft.spawn(() -> chain(done, left - 1));
        }
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public void chainedSpawnHandWritten(Rt s) {
        Countdown done = new Countdown(1);
        s.rt.spawn(chainFuture(done, CHAIN));
        s.rt.blockOn(done);
    }

    private static Future<Void> chainFuture(Countdown done, int left) {
        return cx -> {
            if (left == 0) {
                done.countDown();
            } else {
                Weft.spawn(chainFuture(done, left - 1));
            }
            return null;
        };
    }
}
