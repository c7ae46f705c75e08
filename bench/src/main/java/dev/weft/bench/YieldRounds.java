package dev.weft.bench;

import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import dev.weft.runtime.WorkerInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * The {@code yield_many} loop, round after round in one JVM, with what each worker did per round: for
 * looking at how a run's speed changes over time (the two modes in docs/perf.md §3.1), which JMH's
 * averages hide. Not a JMH benchmark: run as
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Xms2g -Xmx2g -cp bench/target/benchmarks.jar \
 *     dev.weft.bench.YieldRounds [rounds] [gcEvery]
 * </pre>
 *
 * (defaults: 600 rounds, a {@code System.gc()} every 50). Each round spawns 200 tasks from the main
 * thread onto a 2-worker runtime, each yielding 1,000 times, and prints ns per yield, the tasks each
 * worker homed, its parks and steals, and each worker thread's CPU time as a share of the round.
 */
public final class YieldRounds {
    private YieldRounds() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        int gcEvery = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (Runtime rt = WeftBench.newRuntime("multiThread")) {
            for (int round = 0; round < rounds; round++) {
                if (gcEvery > 0 && round % gcEvery == gcEvery / 2) {
                    System.gc();
                }
                long[] workerIds = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith("bench-worker-")).mapToLong(Thread::threadId).sorted().toArray();
                long[] cpuBefore = new long[workerIds.length];
                for (int k = 0; k < workerIds.length; k++) {
                    cpuBefore[k] = mx.getThreadCpuTime(workerIds[k]);
                }
                List<WorkerInfo> before = rt.handle().workers();
                Countdown done = new Countdown(WeftBench.YIELD_TASKS);
                long start = System.nanoTime();
                for (int i = 0; i < WeftBench.YIELD_TASKS; i++) {
                    rt.spawn(Weft.async(() -> {
                        for (int j = 0; j < WeftBench.YIELDS_PER_TASK; j++) {
                            Weft.yieldNow().await();
                        }
                        done.countDown();
                    }));
                }
                rt.blockOn(done);
                long ns = System.nanoTime() - start;
                List<WorkerInfo> after = rt.handle().workers();
                StringBuilder line = new StringBuilder(String.format("round %3d: %4.0f ns/yield |", round,
                        (double) ns / (WeftBench.YIELD_TASKS * WeftBench.YIELDS_PER_TASK)));
                for (int w = 0; w < after.size(); w++) {
                    line.append(String.format(" w%d homed %d parks %d steals %d |", w,
                            after.get(w).homed() - before.get(w).homed(), after.get(w).parks() - before.get(w).parks(),
                            after.get(w).steals() - before.get(w).steals()));
                }
                for (int k = 0; k < workerIds.length; k++) {
                    line.append(String.format(" cpu%d %.0f%%", k, 100.0 * (mx.getThreadCpuTime(workerIds[k]) - cpuBefore[k]) / ns));
                }
                System.out.println(line);
            }
        }
    }
}
