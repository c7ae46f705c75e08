package dev.weft.examples;

import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import dev.weft.runtime.WorkerInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The main job until mini-redis exists: fans out 10,000 tasks from one async block, each of which
 * yields once (so the tasks really interleave), sums their results, and says what happened.
 *
 * <p>Run it with {@code ./run.sh} (optionally {@code ./run.sh 100000} for another task count).
 */
public final class FanOut {
    private FanOut() {
    }

    public static void main(String[] args) {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        try (Runtime rt = Runtime.builder().multiThread().name("fan-out").build()) {
            long start = System.nanoTime();
            // The fan-out runs as a task on the workers; this thread only waits for its handle. (Joining
            // 10,000 handles from the blockOn thread itself would cost a cross-thread wake-up per join.)
            long sum = rt.blockOn(rt.spawn(Weft.async(() -> {
                List<JoinHandle<Long>> handles = new ArrayList<>(tasks);
                for (int i = 1; i <= tasks; i++) {
                    long n = i;
                    handles.add(Weft.spawn(() -> {
                        Weft.yieldNow().await(); // let every other task have a turn
                        return n * n;
                    }));
                }
                long total = 0;
                for (JoinHandle<Long> h : handles) {
                    total += h.await();
                }
                return total;
            })));
            long micros = (System.nanoTime() - start) / 1_000;
            long expected = (long) tasks * (tasks + 1) * (2L * tasks + 1) / 6;
            System.out.printf("spawned %,d tasks on runtime '%s'; each yielded once and returned i*i%n",
                    tasks, rt.handle().name());
            for (WorkerInfo w : rt.handle().workers()) {
                System.out.printf("  %s: polled %,d tasks, stole %,d, homed %,d%n", w.thread(), w.polls(), w.steals(),
                        w.homed());
            }
            System.out.printf("sum of squares 1..%,d = %,d (expected %,d: %s)%n", tasks, sum, expected,
                    sum == expected ? "ok" : "WRONG");
            System.out.printf("took %,d us, about %,d ns per task (spawn, two polls, join)%n",
                    micros, micros * 1_000 / tasks);
            if (sum != expected) {
                System.exit(1);
            }
        }
    }
}
