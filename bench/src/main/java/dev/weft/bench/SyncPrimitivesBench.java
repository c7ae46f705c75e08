package dev.weft.bench;

import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Notify;
import dev.weft.sync.RwLock;
import dev.weft.sync.Semaphore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Tokio's {@code sync_semaphore}, {@code sync_rwlock} and {@code sync_notify} benchmarks on Weft's
 * runtimes ({@code flavour} as in {@link WeftBench}). Tokio's first two time a handful of acquisitions
 * per iteration, mostly spawn cost; here each task loops, so the score is ns per acquire-and-release:
 * <ul>
 *   <li>semaphore: one task ({@code semaphoreUncontended}); {@value #TASKS} tasks on
 *       {@value #TASKS}+4 permits, never waiting ({@code semaphoreConcurrentUncontended}); and on
 *       {@value #TASKS}-1 permits, so one always waits ({@code semaphoreContended});</li>
 *   <li>rwlock reads: one task; {@value #TASKS} tasks; and {@value #TASKS}-1 readers with one writer
 *       taking the lock once per ten of its reads' worth ({@code rwlockReadContended});</li>
 *   <li>notify: {@code waiters} tasks wait in a loop on one {@link Notify}; the driving task calls
 *       {@code notifyOne} (or {@code notifyWaiters}) and yields until {@value #WAKEUPS} wake-ups have
 *       been counted: ns per wake-up (Tokio's {@code notify_one}/{@code notify_waiters} with 10 and
 *       50 waiters).</li>
 * </ul>
 */
public class SyncPrimitivesBench extends BenchDefaults {
    static final int TASKS = 6;
    static final int LOCKS = 60_000;
    static final int WAKEUPS = 5_000;

    @Benchmark
    @OperationsPerInvocation(LOCKS)
    public long semaphoreUncontended(WeftBench.Rt rt) {
        Semaphore s = new Semaphore(TASKS + 4);
        return inTasks(rt.rt, 1, t -> acquireLoop(s, LOCKS));
    }

    @Benchmark
    @OperationsPerInvocation(LOCKS)
    public long semaphoreConcurrentUncontended(WeftBench.Rt rt) {
        Semaphore s = new Semaphore(TASKS + 4);
        return inTasks(rt.rt, TASKS, t -> acquireLoop(s, LOCKS / TASKS));
    }

    @Benchmark
    @OperationsPerInvocation(LOCKS)
    public long semaphoreContended(WeftBench.Rt rt) {
        Semaphore s = new Semaphore(TASKS - 1);
        return inTasks(rt.rt, TASKS, t -> acquireLoop(s, LOCKS / TASKS));
    }

    private static Runnable acquireLoop(Semaphore s, int times) {
        return () -> {
            for (int i = 0; i < times; i++) {
                s.acquire().await().close();
            }
        };
    }

    @Benchmark
    @OperationsPerInvocation(LOCKS)
    public long rwlockReadUncontended(WeftBench.Rt rt) {
        RwLock<long[]> lock = new RwLock<>(new long[1]);
        return inTasks(rt.rt, 1, t -> readLoop(lock, LOCKS));
    }

    @Benchmark
    @OperationsPerInvocation(LOCKS)
    public long rwlockReadConcurrent(WeftBench.Rt rt) {
        RwLock<long[]> lock = new RwLock<>(new long[1]);
        return inTasks(rt.rt, TASKS, t -> readLoop(lock, LOCKS / TASKS));
    }

    @Benchmark
    @OperationsPerInvocation(LOCKS / TASKS * (TASKS - 1) + LOCKS / TASKS / 10)
    public long rwlockReadContended(WeftBench.Rt rt) {
        RwLock<long[]> lock = new RwLock<>(new long[1]);
        return inTasks(rt.rt, TASKS, t -> t > 0 ? readLoop(lock, LOCKS / TASKS) : () -> {
            for (int i = 0; i < LOCKS / TASKS / 10; i++) {
                try (RwLock.WriteGuard<long[]> g = lock.write().await()) {
                    g.get()[0]++;
                }
            }
        });
    }

    private static Runnable readLoop(RwLock<long[]> lock, int times) {
        return () -> {
            long seen = 0;
            for (int i = 0; i < times; i++) {
                try (RwLock.ReadGuard<long[]> g = lock.read().await()) {
                    seen += g.get()[0];
                }
            }
            if (seen < 0) {
                throw new IllegalStateException("a read saw a negative count");
            }
        };
    }

    /** Runs {@code tasks} spawned bodies to the end; returns how many ran, for the blackhole. */
    private static long inTasks(Runtime rt, int tasks, IntFunction<Runnable> body) {
        return rt.blockOn(Weft.async(() -> {
            List<JoinHandle<Void>> handles = new ArrayList<>(tasks);
            for (int t = 0; t < tasks; t++) {
                Runnable r = body.apply(t);
                handles.add(Weft.spawn(r::run));
            }
            for (JoinHandle<Void> h : handles) {
                h.await();
            }
            return (long) handles.size();
        }));
    }

    /** {@code waiters} tasks that wait on one Notify in a loop for the whole trial, counting wake-ups. */
    @State(Scope.Benchmark)
    public static class Waiters {
        @Param({"10", "50"})
        public int waiters;
        final Notify notify = new Notify();
        final AtomicLong woken = new AtomicLong();
        volatile boolean stop;

        @Setup(Level.Trial)
        public void start(WeftBench.Rt rt) {
            for (int i = 0; i < waiters; i++) {
                rt.rt.spawn(Weft.async(() -> {
                    while (!stop) {
                        notify.notified().await();
                        woken.incrementAndGet();
                    }
                }));
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            stop = true;
            notify.notifyWaiters();
        }
    }

    @Benchmark
    @OperationsPerInvocation(WAKEUPS)
    public long notifyOne(WeftBench.Rt rt, Waiters w) {
        return notifyUntilWoken(rt, w, w.notify::notifyOne);
    }

    @Benchmark
    @OperationsPerInvocation(WAKEUPS)
    public long notifyWaiters(WeftBench.Rt rt, Waiters w) {
        return notifyUntilWoken(rt, w, w.notify::notifyWaiters);
    }

    private static long notifyUntilWoken(WeftBench.Rt rt, Waiters w, Runnable notifyCall) {
        long target = w.woken.get() + WAKEUPS;
        return rt.rt.blockOn(Weft.async(() -> {
            long rounds = 0;
            while (w.woken.get() < target) {
                notifyCall.run();
                Weft.yieldNow().await();
                rounds++;
            }
            return rounds;
        }));
    }
}
