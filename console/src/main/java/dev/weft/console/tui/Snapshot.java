package dev.weft.console.tui;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One refresh's worth of what the console endpoint said: the tasks ({@code GET /api/tasks}), the runtime's
 * counters ({@code GET /api/metrics}) and the runtime-wide warnings ({@code GET /api/lints}), in the shapes
 * of the console's JSON contract (v1). Immutable; the three answers come from three requests, so they are
 * not from one instant.
 *
 * @param runtime          the runtime's name
 * @param nowMillis        the endpoint's clock when it listed the tasks, epoch milliseconds
 * @param tasks            the live tasks, in the order the endpoint gave them
 * @param metrics          the runtime's counters, or null if the endpoint did not give them
 * @param runtimeWarnings  warnings about the runtime as a whole (no task id), such as {@code one-task}
 */
record Snapshot(String runtime, long nowMillis, List<Task> tasks, Metrics metrics, List<Warning> runtimeWarnings) {
    Snapshot {
        tasks = List.copyOf(tasks);
        runtimeWarnings = List.copyOf(runtimeWarnings);
    }

    /**
     * Reads the three answers, each already parsed; {@code metrics} and {@code lints} may be null when the
     * endpoint does not serve them.
     *
     * @throws IllegalArgumentException if an answer does not have the contract's shape
     */
    static Snapshot from(Object tasks, Object metrics, Object lints) {
        JsonObject list = JsonObject.of(tasks, "the task list");
        if (!list.fields().containsKey("tasks")) {
            throw new IllegalArgumentException("the task list has no 'tasks' field");
        }
        List<Task> rows = new ArrayList<>();
        for (JsonObject t : list.objects("tasks")) {
            rows.add(Task.from(t));
        }
        List<Warning> runtimeWide = new ArrayList<>();
        if (lints != null) {
            for (JsonObject l : JsonObject.of(lints, "the lint list").objects("lints")) {
                if (l.fields().get("taskId") == null) {
                    runtimeWide.add(Warning.from(l));
                }
            }
        }
        return new Snapshot(list.string("runtime", "?"), list.number("now"), rows,
                metrics == null ? null : Metrics.from(JsonObject.of(metrics, "the metrics")), runtimeWide);
    }

    /**
     * One task's row.
     *
     * @param name     the name given at spawn, or null
     * @param body     the class of the task's body, readable
     * @param state    {@code idle}, {@code scheduled}, {@code running}, maybe with {@code , cancelling}
     * @param span     the span it runs in, or null
     * @param warnings what the console's lints say about it
     */
    record Task(long id, String name, String body, String location, long parentId, String state, long polls,
                long busyNanos, long scheduledNanos, long idleNanos, long ageNanos, long wakes, long selfWakes,
                Span span, List<Warning> warnings) {
        Task {
            warnings = List.copyOf(warnings);
        }

        static Task from(JsonObject t) {
            List<Warning> warnings = new ArrayList<>();
            for (JsonObject w : t.objects("warnings")) {
                warnings.add(Warning.from(w));
            }
            JsonObject span = t.object("span");
            return new Task(t.number("id"), t.string("name", null), t.string("body", "?"),
                    t.string("location", null), t.number("parentId"), t.string("state", "?"), t.number("polls"),
                    t.number("busyNanos"), t.number("scheduledNanos"), t.number("idleNanos"), t.number("ageNanos"),
                    t.number("wakes"), t.number("selfWakes"), span == null ? null : Span.from(span), warnings);
        }

        /** What the table shows for it: its name, or else its body. */
        String label() {
            return name != null ? name : body;
        }
    }

    /** A lint's finding: its kind ({@code blocking}, {@code never-yielded}, {@code lost-waker}, ...) and what it says. */
    record Warning(String lint, String message) {
        static Warning from(JsonObject w) {
            return new Warning(w.string("lint", "?"), w.string("message", ""));
        }
    }

    /** The span a task runs in: its fields in the order the endpoint gave them. */
    record Span(long id, String name, Map<String, String> fields) {
        static Span from(JsonObject s) {
            Map<String, String> fields = new LinkedHashMap<>();
            JsonObject f = s.object("fields");
            if (f != null) {
                f.fields().forEach((k, v) -> fields.put(k, String.valueOf(v)));
            }
            return new Span(s.number("id"), s.string("name", "?"), fields);
        }
    }

    /** The runtime's counters that the header shows. */
    record Metrics(String runtime, boolean multiThread, long liveTasks, long injectQueueDepth, long polls,
                   long steals, long blockingThreads, long blockingIdleThreads, long blockingQueueDepth,
                   long blockingReports, long pinnedAwaits, List<Worker> workers) {
        Metrics {
            workers = List.copyOf(workers);
        }

        static Metrics from(JsonObject m) {
            List<Worker> workers = new ArrayList<>();
            for (JsonObject w : m.objects("workers")) {
                workers.add(new Worker((int) w.number("index"), w.string("thread", "?"), w.number("polls"),
                        w.number("queueDepth"), w.bool("idle"), w.number("currentTaskId")));
            }
            return new Metrics(m.string("runtime", "?"), m.bool("multiThread"), m.number("liveTasks"),
                    m.number("injectQueueDepth"), m.number("polls"), m.number("steals"), m.number("blockingThreads"),
                    m.number("blockingIdleThreads"), m.number("blockingQueueDepth"), m.number("blockingReports"),
                    m.number("pinnedAwaits"), workers);
        }
    }

    /** One worker thread: polls so far, tasks queued on it, and whether it is parked. */
    record Worker(int index, String thread, long polls, long queueDepth, boolean idle, long currentTaskId) {
    }
}
