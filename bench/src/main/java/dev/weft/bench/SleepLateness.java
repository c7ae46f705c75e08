package dev.weft.bench;

import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import java.time.Duration;
import java.util.Arrays;

/**
 * How late a sleep wakes on an idle runtime: one task sleeps {@code d} again and again (1 ms and
 * 10 ms), and the lateness of each wake (measured wake time minus the deadline) is collected; prints
 * the median and the 99th percentile, for both flavours and for {@code Thread.sleep} on a virtual
 * thread. Not a JMH benchmark: run as
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     dev.weft.bench.SleepLateness [sleepsOf1ms]
 * </pre>
 *
 * (default 2,000 sleeps of 1 ms and a tenth as many of 10 ms, after a warm-up of 500).
 */
public final class SleepLateness {
    private SleepLateness() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        for (String flavour : new String[] {"currentThread", "multiThread"}) {
            try (Runtime rt = WeftBench.newRuntime(flavour)) {
                weft(rt, Duration.ofMillis(1), 500); // warm-up
                report(flavour + " sleep(1 ms)", weft(rt, Duration.ofMillis(1), n));
                report(flavour + " sleep(10 ms)", weft(rt, Duration.ofMillis(10), n / 10));
            }
        }
        virtualThread(Duration.ofMillis(1), 500);
        report("virtual thread Thread.sleep(1 ms)", virtualThread(Duration.ofMillis(1), n));
        report("virtual thread Thread.sleep(10 ms)", virtualThread(Duration.ofMillis(10), n / 10));
    }

    private static long[] weft(Runtime rt, Duration d, int count) {
        return rt.blockOn(rt.spawn(Weft.async(() -> {
            long[] late = new long[count];
            for (int i = 0; i < count; i++) {
                long deadline = System.nanoTime() + d.toNanos();
                Weft.sleep(d).await();
                late[i] = System.nanoTime() - deadline;
            }
            return late;
        })));
    }

    private static long[] virtualThread(Duration d, int count) throws InterruptedException {
        long[] late = new long[count];
        Thread t = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < count; i++) {
                long deadline = System.nanoTime() + d.toNanos();
                try {
                    Thread.sleep(d);
                } catch (InterruptedException e) {
                    return;
                }
                late[i] = System.nanoTime() - deadline;
            }
        });
        t.join();
        return late;
    }

    private static void report(String what, long[] late) {
        long[] sorted = late.clone();
        Arrays.sort(sorted);
        System.out.printf("%-36s late by: median %7.1f µs, p99 %7.1f µs, max %8.1f µs (n=%d)%n", what,
                sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3,
                sorted[sorted.length - 1] / 1e3, sorted.length);
    }
}
