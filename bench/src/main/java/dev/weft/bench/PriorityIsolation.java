package dev.weft.bench;

import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.runtime.Handle;
import dev.weft.runtime.Runtime;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Priority isolation with two runtimes (guide chapter 5): how long a task spawned from an outside
 * thread waits for its first poll on a runtime saturated with CPU-bound work, and on a quiet second
 * runtime beside it. Not a JMH benchmark (it measures a latency distribution): run as
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     dev.weft.bench.PriorityIsolation [samples] [busyTasks]
 * </pre>
 *
 * (defaults: 2,000 samples per runtime, 8 busy tasks). The saturated runtime has 2 workers running
 * {@code busyTasks} tasks that each spin for 1 ms and yield, forever; the quiet one has 1 worker and
 * nothing else to do. The main thread alternates: records {@code System.nanoTime()}, spawns a task
 * that records the time of its first poll, waits for it, pauses 200 µs, and so on. It prints p50, p90,
 * p99 and the maximum for each runtime.
 */
public final class PriorityIsolation {
    private PriorityIsolation() {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int busyTasks = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        try (Runtime saturated = Runtime.builder().multiThread().workerThreads(2).name("saturated").build();
                Runtime quiet = Runtime.builder().multiThread().workerThreads(1).name("quiet").build()) {
            saturate(saturated, busyTasks);
            long[] onSaturated = new long[samples];
            long[] onQuiet = new long[samples];
            for (int i = -samples / 10; i < samples; i++) { // the first tenth warms up and is not recorded
                long s = firstPollLatency(saturated.handle());
                long q = firstPollLatency(quiet.handle());
                if (i >= 0) {
                    onSaturated[i] = s;
                    onQuiet[i] = q;
                }
                LockSupport.parkNanos(200_000);
            }
            System.out.printf("spawn-to-first-poll latency, %,d samples each, %d busy tasks on 2 workers%n", samples,
                    busyTasks);
            report("saturated runtime (2 workers, busy)", onSaturated);
            report("quiet runtime (1 worker, beside it)", onQuiet);
            System.exit(0); // the busy tasks never end; close() would wait for them to unwind
        }
    }

    private static void saturate(Runtime rt, int tasks) {
        for (int i = 0; i < tasks; i++) {
            rt.spawn(Weft.async(() -> {
                while (true) {
                    Stall.micros(1_000);
                    Weft.yieldNow().await();
                }
            }));
        }
    }

    /** Spawns a task from this thread and returns how long it took to be polled the first time. */
    private static long firstPollLatency(Handle handle) throws InterruptedException {
        CountDownLatch polled = new CountDownLatch(1);
        long[] firstPoll = new long[1];
        Future<Void> probe = cx -> {
            firstPoll[0] = System.nanoTime();
            polled.countDown();
            return null;
        };
        long start = System.nanoTime();
        handle.spawn(probe);
        if (!polled.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a task spawned on " + handle + " was not polled within 10 s");
        }
        return firstPoll[0] - start;
    }

    private static void report(String label, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("  %-38s p50 %8.1f us   p90 %8.1f us   p99 %8.1f us   max %9.1f us%n", label,
                percentile(sorted, 50) / 1e3, percentile(sorted, 90) / 1e3, percentile(sorted, 99) / 1e3,
                sorted[sorted.length - 1] / 1e3);
    }

    private static long percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
