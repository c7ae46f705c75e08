package dev.weft.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.console.Lints.Warning;
import dev.weft.console.Sample.SeenReport;
import dev.weft.runtime.BlockingReport;
import dev.weft.runtime.RuntimeMetrics;
import dev.weft.runtime.TaskInfo;
import dev.weft.runtime.WorkerInfo;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each lint's rule, judged on made-up samples: no runtime, no clock, no threads. */
class LintsTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 1_000_000 * MS; // an arbitrary nanoTime origin
    private static final StackTraceElement SLEEP = new StackTraceElement("java.lang.Thread", "sleep0", null, -2);
    private static final StackTraceElement CRUNCH = new StackTraceElement("com.example.Work", "crunch", "Work.java", 42);
    private static final StackTraceElement LOAD = new StackTraceElement("com.example.Work", "load", "Work.java", 12);
    private static final StackTraceElement RUNTIME = new StackTraceElement("dev.weft.runtime.Worker", "run", "Worker.java", 1);

    static TaskInfo task(long id, String name, String state, long polls, long busyNanos, boolean lostWaker) {
        return new TaskInfo(id, name, "com.example.Work$$Lambda/0x01", null, state, polls, busyNanos, 0, 0, 0, 0, 0,
                lostWaker, null, new int[0]);
    }

    static TaskInfo task(long id, String state) {
        return task(id, "t" + id, state, 1, 0, false);
    }

    static WorkerInfo worker(int index, long polls, boolean idle, long currentTaskId) {
        return new WorkerInfo(index, "rt-worker-" + index, polls, 0, 0, 0, 0, 0, 0, idle, currentTaskId);
    }

    static RuntimeMetrics metrics(WorkerInfo... workers) {
        return new RuntimeMetrics("rt", workers.length > 0, List.of(workers), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    static SeenReport report(int worker, long poll, TaskInfo task, long firstSeen, long lastOngoing,
                             StackTraceElement... stack) {
        // A thread whose innermost frame is native waits in it; in Java code, it runs.
        Thread.State state = stack.length > 0 && stack[0].isNativeMethod() ? Thread.State.TIMED_WAITING
                : Thread.State.RUNNABLE;
        return reportIn(state, worker, poll, task, firstSeen, lastOngoing, stack);
    }

    static SeenReport reportIn(Thread.State state, int worker, long poll, TaskInfo task, long firstSeen,
                               long lastOngoing, StackTraceElement... stack) {
        return new SeenReport(new BlockingReport("rt-worker-" + worker, worker, poll, task, Duration.ofMillis(100),
                List.of(stack), state), firstSeen, lastOngoing);
    }

    static Sample sample(long at, List<TaskInfo> tasks, RuntimeMetrics metrics, SeenReport... reports) {
        return new Sample(at, tasks, metrics, List.of(reports));
    }

    @Nested
    class Blocking {
        @Test
        void aWaitingWorkerStillInTheReportedPollIsBlocking() {
            TaskInfo t = task(7, "running");
            // Worker 1 is still in poll 50, on task 7: the episode goes on; seen 150 ms ago.
            Sample now = sample(T0, List.of(t), metrics(worker(0, 10, true, 3), worker(1, 50, false, 7)),
                    report(1, 50, t, T0 - 150 * MS, T0 - 150 * MS, SLEEP, LOAD, RUNTIME));

            assertThat(Lints.check(null, now)).singleElement().satisfies(w -> {
                assertThat(w.lint()).isEqualTo("blocking");
                assertThat(w.taskId()).isEqualTo(7);
                assertThat(w.live()).isTrue();
                assertThat(w.message()).contains("task 7 \"t7\" is blocking worker rt-worker-1 (for 250 ms so far)")
                        .contains("in Thread.sleep0, called at com.example.Work.load(Work.java:12)")
                        .contains("Weft.spawnBlocking");
            });
        }

        @Test
        void anEpisodeThatEndedIsShownForAMinuteThenDropped() {
            TaskInfo t = task(7, "idle");
            // The worker has polled on since: the episode is over. Last seen going on 30 s ago, for 40 ms.
            RuntimeMetrics m = metrics(worker(0, 10, true, 3), worker(1, 51, true, 7));
            SeenReport r = report(1, 50, t, T0 - 30_040 * MS, T0 - 30_000 * MS, SLEEP, LOAD);

            assertThat(Lints.check(null, sample(T0, List.of(t), m, r))).singleElement().satisfies(w -> {
                assertThat(w.lint()).isEqualTo("blocking");
                assertThat(w.message()).contains("blocked worker rt-worker-1 for at least 140 ms").contains("30 s ago");
            });
            assertThat(Lints.check(null, sample(T0 + 30_001 * MS, List.of(t), m, r))).isEmpty();
        }

        @Test
        void aWorkerBackInTheSamePollCountOnAnotherTaskIsNotStillBlocked() {
            // Same poll count but another task, or idle: the report's poll is not the one running.
            TaskInfo t = task(7, "idle");
            SeenReport r = report(1, 50, t, T0, T0, SLEEP);
            assertThat(Lints.check(null, sample(T0, List.of(t), metrics(worker(0, 0, true, 0), worker(1, 50, false, 8)), r)))
                    .singleElement().satisfies(w -> assertThat(w.message()).contains("blocked worker"));
            assertThat(Lints.check(null, sample(T0, List.of(t), metrics(worker(0, 0, true, 0), worker(1, 50, true, 7)), r)))
                    .singleElement().satisfies(w -> assertThat(w.message()).contains("blocked worker"));
        }

        @Test
        void severalReportsOfOneTaskMakeOneWarningWithACount() {
            TaskInfo t = task(7, "idle");
            RuntimeMetrics m = metrics(worker(0, 99, true, 3), worker(1, 99, true, 7));
            Sample now = sample(T0, List.of(t), m, report(1, 10, t, T0 - 3000 * MS, T0 - 3000 * MS, SLEEP),
                    report(1, 20, t, T0 - 2000 * MS, T0 - 2000 * MS, SLEEP),
                    report(0, 30, t, T0 - 1000 * MS, T0 - 1000 * MS, SLEEP));

            assertThat(Lints.check(null, now)).singleElement().satisfies(w -> {
                assertThat(w.message()).contains("worker rt-worker-0").contains("1 s ago").contains("(3 such polls recently)");
            });
        }

        @Test
        void aTaskThatHasEndedIsStillReportedAfterTheLiveOnes() {
            TaskInfo gone = task(9, "running");
            TaskInfo lost = task(4, "t4", "idle", 1, 0, true);
            Sample now = sample(T0, List.of(lost), metrics(worker(0, 9, true, 0), worker(1, 99, true, 9)),
                    report(1, 50, gone, T0, T0, SLEEP));

            List<Warning> ws = Lints.check(null, now);
            assertThat(ws).extracting(Warning::lint).containsExactly("lost-waker", "blocking");
            assertThat(ws.get(1).live()).isFalse();
            assertThat(ws.get(1).message()).endsWith("The task has ended.");
        }
    }

    @Nested
    class NeverYielded {
        @Test
        void aComputingWorkerIsNeverYieldedNotBlocking() {
            TaskInfo t = task(7, "running");
            Sample now = sample(T0, List.of(t), metrics(worker(0, 10, true, 3), worker(1, 50, false, 7)),
                    report(1, 50, t, T0, T0, CRUNCH, RUNTIME));

            assertThat(Lints.check(null, now)).singleElement().satisfies(w -> {
                assertThat(w.lint()).isEqualTo("never-yielded");
                assertThat(w.message()).contains("has been computing on worker rt-worker-1 for 100 ms so far without"
                        + " yielding at com.example.Work.crunch(Work.java:42)").contains("Weft.yieldNow()");
            });
        }

        @Test
        void aWorkerBlockedEnteringAMonitorIsBlockingThoughItsInnermostFrameIsJava() {
            TaskInfo t = task(7, "running");
            Sample now = sample(T0, List.of(t), metrics(worker(0, 10, true, 3), worker(1, 50, false, 7)),
                    reportIn(Thread.State.BLOCKED, 1, 50, t, T0, T0, CRUNCH, RUNTIME));
            assertThat(Lints.check(null, now)).extracting(Warning::lint).containsExactly("blocking");
        }

        @Test
        void aTaskCanHaveBothKindsFromDifferentPolls() {
            TaskInfo t = task(7, "idle");
            Sample now = sample(T0, List.of(t), metrics(worker(0, 99, true, 3), worker(1, 99, true, 7)),
                    report(1, 50, t, T0, T0, CRUNCH), report(1, 60, t, T0, T0, SLEEP));
            assertThat(Lints.check(null, now)).extracting(Warning::lint).containsExactly("never-yielded", "blocking");
        }
    }

    @Nested
    class LostWaker {
        @Test
        void aTaskThatLostItsWakerIsWarnedAbout() {
            Sample now = sample(T0, List.of(task(3, "idle"), task(4, "lost", "idle", 1, 0, true)), metrics());
            assertThat(Lints.check(null, now)).singleElement().satisfies(w -> {
                assertThat(w.lint()).isEqualTo("lost-waker");
                assertThat(w.taskId()).isEqualTo(4);
                assertThat(w.message()).contains("task 4 \"lost\" is idle and nothing can wake it").contains("cx.waker()");
            });
        }

        @Test
        void anUnnamedTaskIsNamedByItsBody() {
            Sample now = sample(T0, List.of(task(4, null, "idle", 1, 0, true)), metrics());
            assertThat(Lints.check(null, now)).singleElement()
                    .satisfies(w -> assertThat(w.message()).startsWith("task 4 (com.example.Work (lambda)) is idle"));
        }
    }

    @Nested
    class OneTask {
        /** Two workers; worker 1 parked at both samples unless told otherwise. */
        private static List<Warning> judge(long windowMs, long busyAMs, long busyBMs, boolean worker1IdleAtEnd) {
            Sample earlier = sample(T0, List.of(task(1, "a", "running", 100, 5_000 * MS, false), task(2, "idle")),
                    metrics(worker(0, 100, false, 1), worker(1, 7, true, 2)));
            Sample now = sample(T0 + windowMs * MS,
                    List.of(task(1, "a", "running", 200, (5_000 + busyAMs) * MS, false),
                            task(2, "b", "idle", 3, busyBMs * MS, false)),
                    metrics(worker(0, 200, false, 1), worker(1, 9, worker1IdleAtEnd, 2)));
            return Lints.check(earlier, now);
        }

        @Test
        void oneTaskDoingNearlyAllTheWorkWhileAWorkerIdlesIsFlagged() {
            assertThat(judge(1000, 900, 50, true)).singleElement().satisfies(w -> {
                assertThat(w.lint()).isEqualTo("one-task");
                assertThat(w.taskId()).isEqualTo(1);
                assertThat(w.message()).contains("task 1 \"a\" did 95 % of all tasks' work over the last 1.0 s (busy 900 ms)")
                        .contains("rt-worker-1 sat idle").contains("Spawn the independent pieces");
            });
        }

        @Test
        void aTaskNewSinceTheEarlierSampleCountsAllItsBusyTime() {
            Sample earlier = sample(T0, List.of(), metrics(worker(0, 0, true, 0), worker(1, 0, true, 0)));
            Sample now = sample(T0 + 1000 * MS, List.of(task(5, "new", "running", 90, 800 * MS, false)),
                    metrics(worker(0, 90, false, 5), worker(1, 0, true, 0)));
            assertThat(Lints.check(earlier, now)).extracting(Warning::lint).containsExactly("one-task");
        }

        @Test
        void aTasksBusyTimeCountsAtMostTheWindow() {
            // Task 2's one long poll was the sampled one and counts 16 times: 4.8 s in a 1 s window. Capped
            // at 1 s, it is about half of the work, so neither task did "everything".
            assertThat(judge(1000, 900, 4800, true)).isEmpty();
        }

        @Test
        void notWhenTheWorkIsShared() {
            assertThat(judge(1000, 600, 300, true)).isEmpty(); // 67 %
        }

        @Test
        void notWhenTheTaskIsBusyForLessThanHalfTheWindow() {
            assertThat(judge(1000, 400, 10, true)).isEmpty();
        }

        @Test
        void notWhenNoWorkerWasParkedAtBothSamples() {
            assertThat(judge(1000, 900, 50, false)).isEmpty();
        }

        @Test
        void notOverAWindowTooShortToJudge() {
            assertThat(judge(400, 390, 0, true)).isEmpty();
        }

        @Test
        void notWithoutAnEarlierSampleOrWithOneWorker() {
            Sample now = sample(T0, List.of(task(1, "a", "running", 200, 900 * MS, false)), metrics(worker(0, 200, false, 1)));
            Sample earlier = sample(T0 - 1000 * MS, List.of(task(1, "a", "running", 1, 0, false)), metrics(worker(0, 1, true, 1)));
            assertThat(Lints.check(null, now)).isEmpty();
            assertThat(Lints.check(earlier, now)).isEmpty();
        }
    }
}
