package dev.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A JVM started without {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}: async blocks fail
 * with one error that names the flag, and everything at the poll level works (DESIGN.md section 2).
 */
class NoExportFlagTest {
    private static final String CLEAR_ERROR =
            "java.lang.IllegalStateException: Weft's async blocks run on the JDK's continuations";

    private static ForkedJvm.Result child;

    @BeforeAll
    static void runWithoutTheFlag() throws Exception {
        child = ForkedJvm.run(List.of(), WithoutTheFlag.class);
    }

    @Test
    void theChildReallyRanWithoutTheExport() {
        assertThat(child.output()).contains("jdk.internal.vm exported: false");
    }

    @Test
    void anAsyncBlockFailsWithAnErrorThatNamesTheMissingFlag() {
        assertThat(child.output())
                .contains("first block: " + CLEAR_ERROR)
                .contains("--add-exports java.base/jdk.internal.vm=ALL-UNNAMED")
                .doesNotContain("IllegalAccessError");
    }

    @Test
    void everyLaterAsyncBlockFailsTheSameWayRatherThanWithAClassLoadingError() {
        assertThat(child.output())
                .contains("second block: " + CLEAR_ERROR)
                .doesNotContain("NoClassDefFoundError")
                .doesNotContain("ExceptionInInitializerError");
    }

    @Test
    void futuresAndCombinatorsWorkWithoutTheFlag() {
        assertThat(child.output()).contains("map: 42");
    }

    @Test
    void aSpawnedHandWrittenFutureCompletesWithoutTheFlag() {
        assertThat(child.output()).contains("spawned countdown: liftoff");
    }

    @Test
    void theChildExitsNormally() {
        assertThat(child.exitCode()).as(child.output()).isZero();
    }

    /** The child: exercises Weft in a JVM that does not export the continuations to it. */
    static final class WithoutTheFlag {
        public static void main(String[] args) {
            System.out.println("jdk.internal.vm exported: "
                    + Object.class.getModule().isExported("jdk.internal.vm", WithoutTheFlag.class.getModule()));
            try (Runtime rt = Runtime.builder().currentThread().build()) {
                System.out.println("map: " + rt.blockOn(Future.ready(41).map(x -> x + 1)));

                JoinHandle<String> countdown = rt.spawn(new Countdown(3));
                System.out.println("spawned countdown: " + rt.blockOn(countdown));

                tryBlock(rt, "first block");
                tryBlock(rt, "second block");
            }
        }

        private static void tryBlock(Runtime rt, String label) {
            try {
                System.out.println(label + ": completed with " + rt.blockOn(Weft.async(() -> 1)));
            } catch (Throwable t) {
                System.out.println(label + ": " + t);
                t.printStackTrace(System.out);
            }
        }
    }

    /** A hand-written future: pending (waking itself) {@code n} times, then ready. */
    static final class Countdown implements Future<String> {
        private int left;

        Countdown(int n) {
            this.left = n;
        }

        @Override
        public Object poll(Context cx) {
            if (left == 0) {
                return "liftoff";
            }
            left--;
            cx.waker().wake();
            return PENDING;
        }
    }
}
