package dev.weft.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a fresh JVM, for tests of what a JVM fixes once: the JVM's own flags, and the
 * system properties the detectors read when they load ({@code weft.lockCheck}, {@code weft.leakDetection}).
 *
 * <p>The child runs on the JDK and the classpath of the JVM that runs the tests, with only the flags the
 * test passes: not even the {@code --add-exports} that Surefire gives the tests
 * ({@link #withContinuations} adds it), and none from {@code JAVA_TOOL_OPTIONS} and the like, so a
 * test states everything its child depends on.
 */
final class ForkedJvm {
    /** The flag that async blocks need (DESIGN.md section 2). */
    private static final List<String> CONTINUATIONS = List.of("--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED");

    private static final long TIMEOUT_SECONDS = 60;

    /** How the child ended: its exit code, and what it wrote to stdout and stderr, interleaved. */
    record Result(int exitCode, String output) {
    }

    private ForkedJvm() {
    }

    /** The flag that async blocks need (DESIGN.md section 2), then {@code more}. */
    static List<String> withContinuations(String... more) {
        List<String> flags = new ArrayList<>(CONTINUATIONS);
        flags.addAll(List.of(more));
        return flags;
    }

    /** Runs {@code java <flags> -cp <the tests' classpath> <mainClass>} and waits for it to exit. */
    static Result run(List<String> flags, Class<?> mainClass) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());

        Path output = Files.createTempFile("weft-forked-jvm", ".txt");
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
            Process child = builder.start();
            if (!child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor();
                throw new AssertionError("the forked JVM did not exit within " + TIMEOUT_SECONDS + " s: " + command
                        + "\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(child.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
