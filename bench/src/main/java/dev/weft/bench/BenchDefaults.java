package dev.weft.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings every Weft benchmark class shares (JMH's annotations are inherited): ns per op,
 * 3 + 5 iterations of 1 s, one fork with the continuation export, a 2 GB heap, and JMH's ForkJoinPool
 * executor. Why FJP: JMH's default executor is a ThreadPoolExecutor, whose worker thread holds its
 * own lock while it runs the benchmark; Weft's lock detector takes it for a lock held across an await
 * and fails the first awaits of a current-thread runtime driven there. A ForkJoinPool thread holds no
 * lock.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xms2g", "-Xmx2g",
        "-Djmh.executor=FJP"})
public abstract class BenchDefaults {
}
