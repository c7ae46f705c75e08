package dev.weft.console.tui;

import java.util.ArrayList;
import java.util.List;

/**
 * One task seen close up ({@code GET /api/tasks/{id}}): its row, plus where it was spawned, how long its
 * polls take, where it is suspended, and what the blocking detector saw.
 *
 * @param task        the same fields as in the task list
 * @param site        the spawn site, then each spawning task up the chain, one line each
 * @param pollTimes   a histogram of sampled polls: element i counts polls of [2<sup>i-1</sup>, 2<sup>i</sup>) µs,
 *                    element 0 those under 1 µs
 * @param suspendedAt the suspended async block's stack, innermost frame first; empty when it is not one
 * @param blocking    the polls of this task that the watchdog reported as blocking a worker
 */
record TaskDetail(Snapshot.Task task, List<String> site, List<Long> pollTimes, List<String> suspendedAt,
                  List<Blocking> blocking) {
    TaskDetail {
        site = List.copyOf(site);
        pollTimes = List.copyOf(pollTimes);
        suspendedAt = List.copyOf(suspendedAt);
        blocking = List.copyOf(blocking);
    }

    /**
     * Reads a parsed answer.
     *
     * @throws IllegalArgumentException if it does not have the contract's shape
     */
    static TaskDetail from(Object json) {
        JsonObject t = JsonObject.of(json, "the task");
        List<Blocking> blocking = new ArrayList<>();
        for (JsonObject b : t.objects("blocking")) {
            blocking.add(new Blocking(b.string("worker", "?"), b.number("blockedForNanos"), b.bool("ongoing"),
                    b.strings("stack")));
        }
        return new TaskDetail(Snapshot.Task.from(t), t.strings("site"), t.numbers("pollTimes"),
                t.strings("suspendedAt"), blocking);
    }

    /** A poll the watchdog caught running too long: on which worker, for how long, and the worker's stack. */
    record Blocking(String worker, long blockedForNanos, boolean ongoing, List<String> stack) {
        Blocking {
            stack = List.copyOf(stack);
        }
    }
}
