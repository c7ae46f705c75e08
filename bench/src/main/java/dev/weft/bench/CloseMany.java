package dev.weft.bench;

import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import java.time.Duration;

/**
 * How long {@code close()} takes to unwind many suspended tasks. Not a JMH benchmark: run as
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Xmx4g -cp bench/target/benchmarks.jar \
 *     dev.weft.bench.CloseMany [tasks]
 * </pre>
 *
 * (default 1,000,000). Spawns the tasks on a 2-worker runtime, each an async block awaiting a future
 * that never completes, waits until every one has been polled, then times
 * {@code close(Duration.ofSeconds(120))} and prints how many tasks were left.
 */
public final class CloseMany {
    private CloseMany() {
    }

    public static void main(String[] args) {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Runtime rt = WeftBench.newRuntime("multiThread");
        Countdown polled = new Countdown(tasks);
        Future<Void> forever = cx -> {
            polled.countDown();
            return Future.PENDING;
        };
        for (int i = 0; i < tasks; i++) {
            rt.spawn(Weft.async(() -> {
                forever.await();
            }));
        }
        rt.blockOn(polled);
        long start = System.nanoTime();
        rt.close(Duration.ofSeconds(120));
        System.out.printf("%,d suspended tasks closed in %,d ms; %d left%n", tasks,
                (System.nanoTime() - start) / 1_000_000, rt.handle().tasks().size());
    }
}
