package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Test helper: waits, with a generous deadline, for what an observer of a runtime can see. */
final class Observed {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private Observed() {
    }

    /** The first live task of {@code handle} matching {@code which}, once one does. */
    static TaskInfo task(Handle handle, Predicate<TaskInfo> which) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            for (TaskInfo t : handle.tasks()) {
                if (which.test(t)) {
                    return t;
                }
            }
            assertThat(System.nanoTime()).as("a matching task within %s", DEADLINE).isLessThan(deadline);
            Thread.sleep(1); // polling pace for a deadline, not a wait for things to settle
        }
    }

    /** The live task with this id, once it is idle (its poll has returned and nothing woke it). */
    static TaskInfo idle(Handle handle, long id) throws InterruptedException {
        return task(handle, t -> t.id() == id && t.state().equals("idle"));
    }

    /** Returns once {@code condition} holds. */
    static void until(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.get()) {
            assertThat(System.nanoTime()).as("%s within %s", what, DEADLINE).isLessThan(deadline);
            Thread.sleep(1); // polling pace for a deadline, not a wait for things to settle
        }
    }
}
