package dev.weft.runtime;

import java.util.List;

/**
 * One task in a {@link Handle#dumpTasks() task dump}: its {@link TaskInfo} snapshot and, if its async
 * block is suspended, the stack it is suspended at (the innermost frame first, as in a thread dump).
 * The frames under the {@code await} call show the line in the task's own code that is waiting.
 *
 * @param info        the task's counters and state
 * @param suspendedAt the suspended stack; empty if the task is not a suspended async block (scheduled,
 *                    running, a hand-written future, or resumed while the dump was being taken)
 */
public record TaskDump(TaskInfo info, List<StackTraceElement> suspendedAt) {
    public TaskDump {
        suspendedAt = List.copyOf(suspendedAt);
    }

    /** Whether the dump caught this task suspended, with a stack. */
    public boolean isSuspended() {
        return !suspendedAt.isEmpty();
    }

    /**
     * The task as a few lines of text: a header with its id, body, state and counters, then its
     * suspended stack indented as in a thread dump.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(info.site().describe()).append(": ").append(info.state())
                .append(", polls ").append(info.polls()).append(", busy ").append(info.busy().toNanos() / 1_000)
                .append(" us, idle ").append(info.idleNanos() / 1_000).append(" us, wakes ").append(info.wakes());
        if (info.span() != null) {
            sb.append(", span ").append(info.span());
        }
        if (info.site().parentId() != 0) {
            sb.append(", spawned by task ").append(info.site().parentId());
        }
        if (isSuspended()) {
            sb.append(", suspended at:");
            for (StackTraceElement e : suspendedAt) {
                sb.append("\n    at ").append(e);
            }
        }
        return sb.toString();
    }
}
