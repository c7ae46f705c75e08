package dev.weft.console.tui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's JSON (the contract's examples) read into snapshots. */
class SnapshotTest {
    private static final String TASKS = """
            {"runtime": "weft-1", "now": 1764170000000, "tasks": [
              {"id": 12, "name": "accept", "body": "dev.weft.redis.server.Server (lambda)",
               "bodyClass": "dev.weft.redis.server.Server$$Lambda/0x1", "location": "Server.java:88",
               "parentId": 3, "state": "idle, cancelling", "polls": 10, "busyNanos": 1000,
               "scheduledNanos": 200, "idleNanos": 5000, "ageNanos": 7000, "wakes": 9, "selfWakes": 1,
               "span": {"id": 4, "name": "conn", "fields": {"peer": "127.0.0.1:5555", "n": 3}},
               "warnings": [{"lint": "blocking", "message": "blocked for 120ms"}],
               "aFieldFromALaterVersion": {"x": [1, 2]}},
              {"id": 13, "name": null, "body": "X", "location": null, "span": null}
            ]}
            """;
    private static final String METRICS = """
            {"runtime": "weft-1", "multiThread": true, "liveTasks": 2, "injectQueueDepth": 1, "polls": 99,
             "steals": 3, "parks": 7, "budgetForcedYields": 0, "blockingThreads": 2, "blockingIdleThreads": 1,
             "blockingQueueDepth": 0, "blockingReports": 4, "pinnedAwaits": 0,
             "workers": [{"index": 0, "thread": "weft-1-worker-0", "polls": 60, "steals": 1, "homed": 2,
                          "parks": 3, "liveHomed": 1, "queueDepth": 2, "budgetYields": 0, "idle": false,
                          "currentTaskId": 12}]}
            """;
    private static final String LINTS = """
            {"lints": [{"lint": "blocking", "taskId": 12, "message": "blocked for 120ms"},
                       {"lint": "one-task", "taskId": null, "message": "one task did all the work"}]}
            """;

    @Test
    void readsTheTasksTheCountersAndTheRuntimeWideLints() {
        Snapshot s = Snapshot.from(Json.parse(TASKS), Json.parse(METRICS), Json.parse(LINTS));

        assertThat(s.runtime()).isEqualTo("weft-1");
        assertThat(s.nowMillis()).isEqualTo(1_764_170_000_000L);
        assertThat(s.tasks()).containsExactly(
                new Snapshot.Task(12, "accept", "dev.weft.redis.server.Server (lambda)", "Server.java:88", 3,
                        "idle, cancelling", 10, 1000, 200, 5000, 7000, 9, 1,
                        new Snapshot.Span(4, "conn", Map.of("peer", "127.0.0.1:5555", "n", "3")),
                        List.of(new Snapshot.Warning("blocking", "blocked for 120ms"))),
                new Snapshot.Task(13, null, "X", null, 0, "?", 0, 0, 0, 0, 0, 0, 0, null, List.of()));
        assertThat(s.tasks().get(1).label()).isEqualTo("X");
        assertThat(s.metrics()).isEqualTo(new Snapshot.Metrics("weft-1", true, 2, 1, 99, 3, 2, 1, 0, 4, 0,
                List.of(new Snapshot.Worker(0, "weft-1-worker-0", 60, 2, false, 12))));
        assertThat(s.runtimeWarnings()).containsExactly(new Snapshot.Warning("one-task", "one task did all the work"));
    }

    @Test
    void theCountersAndLintsMayBeMissing() {
        Snapshot s = Snapshot.from(Json.parse(TASKS), null, null);
        assertThat(s.metrics()).isNull();
        assertThat(s.runtimeWarnings()).isEmpty();
        assertThat(s.tasks()).hasSize(2);
    }

    @Test
    void aTasksDetail() {
        TaskDetail d = TaskDetail.from(Json.parse("""
                {"id": 12, "name": "accept", "body": "B", "state": "idle",
                 "site": ["task 12 \\"accept\\" (body B) spawned at X.java:1", "spawned by task 3 (body Y)"],
                 "pollTimes": [0, 4, 1],
                 "suspendedAt": ["dev.weft.Foo.bar(Foo.java:12)"],
                 "blocking": [{"worker": "weft-1-worker-0", "blockedForNanos": 120000000, "ongoing": true,
                               "stack": ["java.lang.Thread.sleep(Native Method)"]}]}
                """));

        assertThat(d.task().id()).isEqualTo(12);
        assertThat(d.site()).containsExactly("task 12 \"accept\" (body B) spawned at X.java:1",
                "spawned by task 3 (body Y)");
        assertThat(d.pollTimes()).containsExactly(0L, 4L, 1L);
        assertThat(d.suspendedAt()).containsExactly("dev.weft.Foo.bar(Foo.java:12)");
        assertThat(d.blocking()).containsExactly(new TaskDetail.Blocking("weft-1-worker-0", 120_000_000, true,
                List.of("java.lang.Thread.sleep(Native Method)")));
    }

    @Test
    void anAnswerOfTheWrongShapeSaysWhichField() {
        assertThatThrownBy(() -> Snapshot.from(Json.parse("[]"), null, null))
                .hasMessage("the task list is not a JSON object");
        assertThatThrownBy(() -> Snapshot.from(Json.parse("{\"runtime\": \"x\"}"), null, null))
                .hasMessage("the task list has no 'tasks' field");
        assertThatThrownBy(() -> Snapshot.from(Json.parse("{\"tasks\": [{\"id\": \"twelve\"}]}"), null, null))
                .hasMessage("field 'id' is not a number");
        assertThatThrownBy(() -> Snapshot.from(Json.parse("{\"tasks\": [1]}"), null, null))
                .hasMessage("an element of 'tasks' is not a JSON object");
        assertThatThrownBy(() -> TaskDetail.from(Json.parse("{\"pollTimes\": [\"a\"]}")))
                .hasMessage("field 'pollTimes' is not an array of numbers");
    }
}
