package dev.weft.bench;

import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import javax.management.ObjectName;

/**
 * How much heap an idle task costs: spawns N tasks that each suspend for good, and compares the heap
 * in use after full GCs before and after. Not a JMH benchmark: a plain program, run as
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     dev.weft.bench.HeapPerTask [multiThread|currentThread|virtual] [tasks] [--histogram]
 * </pre>
 *
 * (defaults: multiThread, 1,000,000 tasks). A Weft task is an async block that awaits a future that
 * never completes and holds no waker (like {@code Future.never()}, one shared instance, so it adds
 * nothing per task); its {@code JoinHandle} is dropped, as a detached task's would be. The
 * {@code virtual} mode parks N virtual threads instead, for comparison (their {@code Thread} objects
 * are kept in an array: 4 bytes each of the figure). With {@code --histogram} it prints the top of
 * the class histogram of live objects (what {@code jcmd PID GC.class_histogram} prints) while the
 * tasks are suspended. {@code -Dwarmup=N} (default 1,000) sets how many tasks a separate runtime
 * suspends and cancels first, so that the await path is compiled when the measured tasks suspend
 * (docs/perf.md uses 20,000).
 */
public final class HeapPerTask {
    private HeapPerTask() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 && !args[0].startsWith("--") ? args[0] : "multiThread";
        int tasks = args.length > 1 && !args[1].startsWith("--") ? Integer.parseInt(args[1]) : 1_000_000;
        boolean histogram = Arrays.asList(args).contains("--histogram");

        // Load and compile the paths first, so the baseline already holds their classes.
        if (mode.equals("virtual")) {
            parkVirtualThreads(1_000);
        } else {
            try (Runtime warm = WeftBench.newRuntime(mode)) {
                suspendWeftTasks(warm, Integer.getInteger("warmup", 1_000));
            }
        }

        Runtime rt = mode.equals("virtual") ? null : WeftBench.newRuntime(mode);
        long before = usedHeapAfterGc();
        long start = System.nanoTime();
        Object held = rt == null ? parkVirtualThreads(tasks) : suspendWeftTasks(rt, tasks);
        long spawnMillis = (System.nanoTime() - start) / 1_000_000;
        Thread.sleep(500); // the last few are between their last poll and their yield
        long after = usedHeapAfterGc();

        System.out.printf("mode %s, %,d suspended tasks (spawned and suspended in %,d ms)%n", mode, tasks, spawnMillis);
        System.out.printf("heap used after GC: before %,d bytes, after %,d bytes%n", before, after);
        System.out.printf("=> %.1f bytes per suspended task%n", (double) (after - before) / tasks);
        if (histogram) {
            printHistogram(25);
        }
        Reference.reachabilityFence(held);
        // No close(): unwinding a million tasks takes longer than its default deadline, and this program has
        // measured what it came for. Parked virtual threads never end either.
        System.exit(0);
    }

    /** Spawns {@code tasks} async blocks that each suspend for good; returns once all have suspended. */
    private static Object suspendWeftTasks(Runtime rt, int tasks) {
        Countdown polled = new Countdown(tasks);
        Future<Void> forever = cx -> {
            polled.countDown();
            return Future.PENDING; // and no waker kept: this never completes
        };
        for (int i = 0; i < tasks; i++) {
            rt.spawn(Weft.async(() -> {
                forever.await();
            }));
        }
        rt.blockOn(polled); // a current-thread runtime runs its tasks here
        return rt;
    }

    /** Starts {@code count} virtual threads that park for good; returns once all have parked. */
    private static Object parkVirtualThreads(int count) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(count);
        Thread[] threads = new Thread[count];
        for (int i = 0; i < count; i++) {
            threads[i] = Thread.startVirtualThread(() -> {
                started.countDown();
                while (true) {
                    LockSupport.park();
                }
            });
        }
        started.await();
        return threads;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** The top {@code lines} classes by live bytes, as {@code jcmd PID GC.class_histogram} prints them. */
    private static void printHistogram(int lines) throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        String[] all = text.split("\n");
        System.out.println("class histogram of live objects (top " + lines + " by bytes):");
        for (int i = 0; i < Math.min(all.length, lines + 2); i++) {
            System.out.println(all[i]);
        }
        System.out.println(all[all.length - 1]); // the total
    }
}
