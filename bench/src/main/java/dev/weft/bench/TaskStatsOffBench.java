package dev.weft.bench;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link WeftBench}'s scheduler benchmarks with the task stats switched off ({@code -Dweft.taskStats=false},
 * a {@code static final} flag the JIT folds away): what the always-on stats cost is the difference
 * between the two classes' scores, taken in one JMH run:
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar '(WeftBench|TaskStatsOffBench)\.(chainedSpawn|spawnManyLocal|spawnManyRemoteIdle|yieldMany)$'
 * }</pre>
 * JMH runs inherited benchmark methods under the subclass's name and annotations.
 */
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xms2g", "-Xmx2g",
        "-Djmh.executor=FJP", "-Dweft.taskStats=false"})
public class TaskStatsOffBench extends WeftBench {
}
