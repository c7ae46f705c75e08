package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Homing under C2 (DESIGN.md section 2, "Migration and {@code Thread.currentThread()}"): once C2 has
 * compiled a block's body, a block resumed on another thread can keep seeing the old thread, and
 * thread-locals and locks used only between awaits break. With homing a started block always resumes on
 * its home worker, so none of that can happen. {@link HomingStressMain} runs 64 tasks of thousands of
 * awaits on two workers, every await woken by a plain thread outside the runtime, and counts every way
 * the thread, a {@code ThreadLocal} and a {@code ReentrantLock} could go wrong; here it runs in a
 * forked JVM with C2 only ({@code -XX:-TieredCompilation -XX:CompileThreshold=500}) and
 * {@code -XX:+PrintCompilation}, so the test can see that the method doing the awaits was compiled
 * before the measured run.
 *
 * <p>The {@code stress} tag (run by {@code ./test.sh -Pstress}) adds the proof that the test bites:
 * the same program with homing switched off ({@code -Dweft.unsafe.disableHoming=true}) must count
 * anomalies, and not only migrations: stale {@code currentThread()} values, foreign thread-local
 * values, a lock owned by the wrong thread. It also adds a ten times longer run with homing.
 */
class HomingStressTest {
    private static final String COMPILED_METHOD = HomingStressMain.class.getSimpleName() + "::" + HomingStressMain.HOT_METHOD;
    private static final Pattern COUNT = Pattern.compile("(\\w+)=(-?\\d+)");

    private static final int TASKS = 64;
    private static final int ROUNDS = 5_000;
    private static final int WAKERS = 3;
    private static final int WARMUP_ROUNDS = 300;

    /** C2 only, compiling early, and printing what it compiles; the hot method's thread read kept out of line. */
    private static List<String> c2Flags(String... more) {
        List<String> flags = new ArrayList<>(List.of(
                "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
                "-XX:-TieredCompilation", "-XX:CompileThreshold=500", "-XX:+PrintCompilation",
                "-XX:CompileCommand=quiet",
                "-XX:CompileCommand=dontinline," + HomingStressMain.class.getName() + "::realThread",
                "-Xss4m"));
        flags.addAll(List.of(more));
        return flags;
    }

    // ---------------------------------------------------------------------------------------------
    // Default suite

    @Test
    void compiledBodiesKeepTheirThreadThreadLocalsAndLocksAcrossCrossThreadWakes() throws Exception {
        long start = System.nanoTime();
        Fork fork = Fork.run(c2Flags(), 60, TASKS, ROUNDS, WAKERS, WARMUP_ROUNDS, 50);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        System.out.println("homing on, " + seconds + " s: " + fork.resultLine());

        assertThat(fork.exitCode()).as("exit code; output:%n%s", fork.output()).isZero();
        assertCompiledBeforeTheMeasuredRun(fork);
        Map<String, Long> r = fork.counts();
        long wakes = (long) TASKS * (ROUNDS + WARMUP_ROUNDS);
        assertThat(fork.resultLine()).contains("homing=true");
        assertThat(r).as("every count; output:%n%s", fork.tail())
                .containsEntry("anomalies", 0L)
                .containsEntry("migrations", 0L)
                .containsEntry("seenChanged", 0L)
                .containsEntry("staleCurrentThread", 0L)
                .containsEntry("tlForeign", 0L)
                .containsEntry("tlLost", 0L)
                .containsEntry("lockNotHeld", 0L)
                .containsEntry("lockOwnerWrong", 0L)
                .containsEntry("lockOverlap", 0L)
                .containsEntry("lockLost", 0L)
                .containsEntry("imse", 0L)
                .containsEntry("lockTimeouts", 0L)
                .containsEntry("taskFailures", 0L)
                .containsEntry("stuck", 0L)
                .containsEntry("tasksMoved", 0L)
                .containsEntry("wakes", wakes);
        assertThat(r.get("suspended")).as("awaits that suspended and were woken from outside the runtime")
                .isGreaterThanOrEqualTo(wakes / 2);
        assertThat(fork.homed()).as("tasks homed by the workers").isGreaterThanOrEqualTo(2L * TASKS);
    }

    /**
     * In process and small (the tests' own JIT, no fork): a thread-local and a lock used between awaits
     * of cross-thread wakes never see another thread, and no task ever leaves its home worker.
     * ({@code MultiThreadRuntimeTest} checks the thread names alone.)
     */
    @Test
    void threadLocalsAndALockUsedBetweenAwaitsStayWithTheHomeWorker() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("homing-in-process").build()) {
            int tasks = 32;
            int rounds = 1_000;
            HomingStressMain.Result r = HomingStressMain.run(rt, new HomingStressMain.Config(tasks, rounds, 2, 30));

            assertThat(r.stuck()).as("tasks still running after 30 s").isZero();
            assertThat(r.firstFailure()).as("first task failure").isNull();
            assertThat(r.anomalies()).as(r.line()).isZero();
            assertThat(r.tasksMoved()).as(r.line()).isZero();
            assertThat(r.wakes()).isEqualTo((long) tasks * rounds);
            assertThat(r.suspended()).as("awaits woken from outside").isGreaterThanOrEqualTo((long) tasks * rounds / 2);
            assertThat(rt.handle().workers().stream().mapToLong(WorkerInfo::homed).sum()).isGreaterThanOrEqualTo(tasks);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Stress profile

    /**
     * The same program with homing switched off: tasks woken from outside go to the inject queue and
     * resume on whichever worker takes them, and the compiled body then breaks. Runs
     * {@code weft.homingStress.runs} forks (default 3) and prints each one's counts.
     */
    @Test
    @Tag("stress")
    void withoutHomingCompiledBodiesSeeStaleThreadsAndBreakThreadLocalsAndLocks() throws Exception {
        int runs = Integer.getInteger("weft.homingStress.runs", 3);
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            long start = System.nanoTime();
            Fork fork = Fork.run(c2Flags("-Dweft.unsafe.disableHoming=true"), 180, TASKS, ROUNDS, WAKERS, WARMUP_ROUNDS,
                    120);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            String line = "homing off, run " + i + "/" + runs + ", exit " + fork.exitCode() + ", " + seconds + " s: "
                    + (fork.resultLine() != null ? fork.resultLine() : "no result line");
            System.out.println(line);
            lines.add(line);

            if (fork.exitCode() != 0 && fork.resultLine() == null) {
                System.out.println(fork.tail());
                continue; // it broke the JVM or the run outright: that bites too
            }
            assertCompiledBeforeTheMeasuredRun(fork);
            assertThat(fork.resultLine()).as("output:%n%s", fork.output()).contains("homing=false");
            Map<String, Long> r = fork.counts();
            assertThat(r.get("migrations")).as("tasks moved between workers; %s", line).isPositive();
            assertThat(r.get("anomalies")).as(line).isPositive();
            assertThat(r.get("hazards"))
                    .as("breakage beyond the migrations themselves (stale currentThread, thread-locals, locks); %s",
                            line)
                    .isPositive();
        }
        System.out.println(String.join(System.lineSeparator(), lines));
    }

    /** Ten times the default run, with homing: 3.2 million cross-thread wakes, no anomaly. */
    @Test
    @Tag("stress")
    void aLongRunWithHomingHasNoAnomalies() throws Exception {
        Fork fork = Fork.run(c2Flags(), 300, TASKS, 10 * ROUNDS, WAKERS, WARMUP_ROUNDS, 240);
        System.out.println("homing on, long: " + fork.resultLine());
        assertThat(fork.exitCode()).as("exit code; output:%n%s", fork.tail()).isZero();
        assertCompiledBeforeTheMeasuredRun(fork);
        assertThat(fork.counts()).as(fork.tail()).containsEntry("anomalies", 0L).containsEntry("tasksMoved", 0L)
                .containsEntry("wakes", (long) TASKS * (10 * ROUNDS + WARMUP_ROUNDS));
    }

    // ---------------------------------------------------------------------------------------------

    /** C2 compiled the hot method (a standard, not an on-stack-replacement, compile) before the measured run. */
    private static void assertCompiledBeforeTheMeasuredRun(Fork fork) {
        List<String> lines = fork.output().lines().toList();
        int compiled = -1;
        int marker = -1;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (compiled < 0 && l.contains(COMPILED_METHOD + " (") && !l.contains("made not entrant")) {
                compiled = i;
            }
            if (marker < 0 && l.contains(HomingStressMain.MEASURED_MARKER)) {
                marker = i;
            }
        }
        assertThat(compiled).as("a -XX:+PrintCompilation line for %s; output:%n%s", COMPILED_METHOD, fork.tail())
                .isNotNegative();
        assertThat(marker).as("the measured-run marker; output:%n%s", fork.tail()).isNotNegative();
        assertThat(compiled).as("%s compiled (line %d: %s) before the measured run (line %d)", COMPILED_METHOD, compiled,
                lines.get(compiled), marker).isLessThan(marker);
    }

    /**
     * A forked JVM running {@link HomingStressMain} on the tests' JDK and classpath with only the given
     * flags (none from {@code JAVA_TOOL_OPTIONS} and the like), stdout and stderr interleaved.
     */
    private record Fork(int exitCode, String output) {
        static Fork run(List<String> flags, long timeoutSeconds, Object... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(flags);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(HomingStressMain.class.getName());
            for (Object a : args) {
                command.add(String.valueOf(a));
            }
            Path out = Files.createTempFile("weft-homing-stress", ".txt");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
                builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
                Process child = builder.start();
                if (!child.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    child.destroyForcibly().waitFor();
                    throw new AssertionError("the forked JVM did not exit within " + timeoutSeconds + " s: " + command
                            + "\n" + Files.readString(out, StandardCharsets.UTF_8));
                }
                return new Fork(child.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        }

        /**
         * The result line (warm-up and measured run together), from its prefix on, or null. (The VM
         * writes each compilation line in pieces, so the program's line may start in the middle of one.)
         */
        String resultLine() {
            String prefix = HomingStressMain.RESULT_PREFIX + " ";
            return output.lines().filter(l -> l.contains(prefix)).reduce((a, b) -> b)
                    .map(l -> l.substring(l.indexOf(prefix))).orElse(null);
        }

        /** The numeric counts of the result line; empty if there is none. */
        Map<String, Long> counts() {
            Map<String, Long> counts = new LinkedHashMap<>();
            String line = resultLine();
            if (line != null) {
                Matcher m = COUNT.matcher(line);
                while (m.find()) {
                    counts.put(m.group(1), Long.parseLong(m.group(2)));
                }
            }
            return counts;
        }

        long homed() {
            String prefix = HomingStressMain.HOMED_PREFIX;
            return output.lines().filter(l -> l.contains(prefix))
                    .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(prefix) + prefix.length()).trim()))
                    .findFirst().orElse(-1);
        }

        /** The program's own lines and the compilations of its methods (the whole output is long). */
        String tail() {
            return String.join("\n", output.lines()
                    .filter(l -> l.contains("HOMING_STRESS") || l.contains("HomingStressMain::") || l.contains("Exception")
                            || l.contains("Error"))
                    .toList());
        }
    }
}
