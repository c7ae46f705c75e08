package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.sync.Notify;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Runtime#dumpTasks()}: every task, and each suspended block's await site in its own code. */
class TaskDumpTest {
    private static final int TASKS = 10_000;

    /** The user's own frame that every dumped stack must show. */
    private static void waitInUserCode(Notify release) {
        release.notified().await();
    }

    @Test
    void aDumpOfTenThousandSuspendedTasksShowsEachOnesAwaitFrame() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("dump").build()) {
            Notify release = new Notify();
            List<JoinHandle<Void>> handles = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                handles.add(rt.spawn(Weft.async(() -> waitInUserCode(release))));
            }
            awaitAllIdle(rt, TASKS);

            List<TaskDump> dump = rt.dumpTasks();

            assertThat(dump).hasSize(TASKS);
            assertThat(dump).allSatisfy(d -> {
                assertThat(d.info().state()).isEqualTo("idle");
                assertThat(d.isSuspended()).as("task %d has a suspended stack", d.info().id()).isTrue();
                assertThat(d.suspendedAt()).anySatisfy(frame -> {
                    assertThat(frame.getClassName()).isEqualTo(TaskDumpTest.class.getName());
                    assertThat(frame.getMethodName()).isEqualTo("waitInUserCode");
                    assertThat(frame.getLineNumber()).isPositive();
                });
            });
            assertThat(dump.get(0).toString()).contains("suspended at:")
                    .contains("at " + TaskDumpTest.class.getName() + ".waitInUserCode(TaskDumpTest.java:");

            // The dump claimed each block for its read and let it go: every task still wakes and ends.
            release.notifyWaiters();
            rt.blockOn(rt.spawn(Weft.async(() -> {
                for (JoinHandle<Void> h : handles) {
                    h.await();
                }
            })));
            assertThat(rt.dumpTasks()).isEmpty();
        }
    }

    @Test
    void aTaskThatIsNotASuspendedBlockIsListedWithoutAStack() throws Exception {
        try (Runtime rt = Runtime.builder().currentThread().name("dump").build()) {
            JoinHandle<Object> plain = rt.spawn(new Future<>() { // a hand-written future: no stack to show
                @Override
                public Object poll(Context cx) {
                    return PENDING;
                }
            });
            List<TaskDump> dump = rt.dumpTasks();
            assertThat(dump).singleElement().satisfies(d -> {
                assertThat(d.isSuspended()).isFalse();
                assertThat(d.toString()).doesNotContain("suspended at");
            });
            plain.abort();
        }
    }

    @Test
    void dumpingWhileTasksWakeAndSuspendDisturbsNoTask() throws Exception {
        // Each dump claims every suspended block for a moment; a wake that lands then must wait, not be
        // lost, and a block must never resume while its stack is being read. Half the tasks yield in a
        // loop (suspended and resumed all the time); the other half wait on a Notify, so every dump
        // has stacks to read.
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("dump").build()) {
            int busy = 100;
            int parked = 100;
            int rounds = 1_000;
            Notify release = new Notify();
            List<JoinHandle<Integer>> yielding = new ArrayList<>();
            List<JoinHandle<Void>> waiting = new ArrayList<>();
            for (int i = 0; i < parked; i++) {
                waiting.add(rt.spawn(Weft.async(() -> waitInUserCode(release))));
            }
            awaitAllIdle(rt, parked);
            for (int i = 0; i < busy; i++) {
                yielding.add(rt.spawn(Weft.async(() -> {
                    int n = 0;
                    for (int r = 0; r < rounds; r++) {
                        Weft.yieldNow().await();
                        n++;
                    }
                    return n;
                })));
            }
            int dumps = 0;
            while (!yielding.stream().allMatch(JoinHandle::isFinished) || dumps < 3) {
                long stacks = rt.dumpTasks().stream().filter(TaskDump::isSuspended).count();
                assertThat(stacks).as("the parked tasks' stacks, in every dump").isGreaterThanOrEqualTo(parked);
                dumps++;
            }
            for (JoinHandle<Integer> h : yielding) {
                assertThat(rt.blockOn(h)).as("every yield of every task came back").isEqualTo(rounds);
            }
            release.notifyWaiters();
            for (JoinHandle<Void> h : waiting) {
                rt.blockOn(h);
            }
            assertThat(rt.dumpTasks()).isEmpty();
        }
    }

    /** Waits (with a generous deadline) until the runtime's {@code n} tasks are all idle, not running. */
    private static void awaitAllIdle(Runtime rt, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<TaskInfo> tasks = rt.handle().tasks();
            if (tasks.size() == n && tasks.stream().allMatch(t -> t.state().equals("idle"))) {
                return;
            }
            assertThat(System.nanoTime()).as("all %d tasks idle within 20 s", n).isLessThan(deadline);
            Thread.sleep(1); // polling pace for a deadline, not a wait for things to settle
        }
    }
}
