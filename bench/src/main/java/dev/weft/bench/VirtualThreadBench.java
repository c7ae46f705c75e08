package dev.weft.bench;

import static dev.weft.bench.WeftBench.BUSY_TASKS;
import static dev.weft.bench.WeftBench.CHAIN;
import static dev.weft.bench.WeftBench.SPAWNS;
import static dev.weft.bench.WeftBench.STALL_MICROS;
import static dev.weft.bench.WeftBench.YIELDS_PER_TASK;
import static dev.weft.bench.WeftBench.YIELD_TASKS;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The scenarios of {@link WeftBench} on the JDK's virtual threads, the baseline Weft must beat: a
 * spawn is {@code Thread.startVirtualThread}, a yield is {@code Thread.yield()}, and waiting is a
 * {@link CountDownLatch} (which parks a virtual waiter and blocks the platform benchmark thread). The
 * forks give the virtual-thread scheduler 2 carrier threads, as many as Weft's multi-thread runtime
 * has workers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Djdk.virtualThreadScheduler.parallelism=2", "-Xms2g", "-Xmx2g"})
public class VirtualThreadBench {
    static final int STARVED_AFTER_SECONDS = 30;

    /** Virtual threads kept busy for the trial: they yield and spin, like the Weft busy tasks. */
    @State(Scope.Benchmark)
    public static class Busy {
        volatile boolean busy = true;
        private final Thread[] threads = new Thread[BUSY_TASKS];

        @Setup(Level.Trial)
        public void start() {
            for (int i = 0; i < BUSY_TASKS; i++) {
                threads[i] = Thread.startVirtualThread(() -> {
                    while (busy) {
                        Thread.yield();
                        Stall.micros(STALL_MICROS);
                    }
                });
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            busy = false;
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    /** 10,000 virtual threads started from a virtual thread (the carrier's local queue), which waits for them. */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public void spawnManyLocal() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(SPAWNS);
        Thread spawner = Thread.startVirtualThread(() -> {
            for (int i = 0; i < SPAWNS; i++) {
                Thread.startVirtualThread(done::countDown);
            }
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        spawner.join();
    }

    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public void spawnManyRemoteIdle() throws InterruptedException {
        spawnRemote().await();
    }

    /**
     * Starved on JDK 25: a carrier whose local queue never empties (the busy threads yield back into it)
     * never takes the external submissions, so the spawned threads do not run while the busy ones do.
     * The wait is bounded, so that hang fails the benchmark with an explanation instead of running on.
     */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public void spawnManyRemoteBusy(Busy busy) throws InterruptedException {
        CountDownLatch done = spawnRemote();
        if (!done.await(STARVED_AFTER_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException(done.getCount() + " of " + SPAWNS + " virtual threads started from outside"
                    + " did not run within " + STARVED_AFTER_SECONDS + " s while the carriers were busy: starved");
        }
    }

    private static CountDownLatch spawnRemote() {
        CountDownLatch done = new CountDownLatch(SPAWNS);
        for (int i = 0; i < SPAWNS; i++) {
            Thread.startVirtualThread(done::countDown);
        }
        return done;
    }

    @Benchmark
    @OperationsPerInvocation(YIELD_TASKS * YIELDS_PER_TASK)
    public void yieldMany() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(YIELD_TASKS);
        for (int i = 0; i < YIELD_TASKS; i++) {
            Thread.startVirtualThread(() -> {
                for (int j = 0; j < YIELDS_PER_TASK; j++) {
                    Thread.yield();
                }
                done.countDown();
            });
        }
        done.await();
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public void chainedSpawn() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Thread.startVirtualThread(() -> chain(done, CHAIN));
        done.await();
    }

    private static void chain(CountDownLatch done, int left) {
        if (left == 0) {
            done.countDown();
        } else {
            Thread.startVirtualThread(() -> chain(done, left - 1));
        }
    }
}
