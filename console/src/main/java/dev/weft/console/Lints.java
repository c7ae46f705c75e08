package dev.weft.console;

import dev.weft.console.Sample.SeenReport;
import dev.weft.runtime.RuntimeMetrics;
import dev.weft.runtime.TaskInfo;
import dev.weft.runtime.WorkerInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's lints: warnings about tasks that misbehave, judged from two {@link Sample}s, an
 * earlier one and the current one. A pure function: the same samples give the same warnings, so tests
 * feed it made-up samples. The rules:
 *
 * <dl>
 *   <dt>{@value #BLOCKING}</dt>
 *   <dd>The runtime's watchdog reported a poll of this task that held its worker past the blocking
 *       threshold (Runtime.Builder.blockingThreshold, 100 ms by default), the episode is going on or
 *       ended less than {@link #RECENT_NANOS 60 s} ago, and the worker was <em>waiting</em>: the
 *       worker thread was not runnable (sleeping, parked, or blocked entering a monitor), or the
 *       innermost frame of the stack the watchdog took is a native method (a blocking socket or file
 *       read is runnable in native code). The cure: move the
 *       call to {@code Weft.spawnBlocking} or {@code Weft.blockInPlace}.</dd>
 *   <dt>{@value #NEVER_YIELDED}</dt>
 *   <dd>The same report, but the worker was <em>computing</em>: the thread is runnable and its innermost frame is Java code. The
 *       task runs CPU work for longer than the threshold without returning to the scheduler: a loop
 *       with no await in it, or one whose awaits are all ready (a ready await does not yield). The
 *       cure: {@code Weft.yieldNow().await()} in the loop, or a compute pool.</dd>
 *   <dt>{@value #LOST_WAKER}</dt>
 *   <dd>The task is idle, and its last poll returned pending without asking its context for the
 *       waker, and nothing woke it since ({@link TaskInfo#lostWaker()}): nothing can wake it, so it
 *       will never run again. Only a hand-written {@code Future} can do this; Weft's own futures
 *       always register their waker. (Weft cannot tell whether a waker that was taken is still held by
 *       anyone, so a task whose waker was taken and then dropped is not caught.)</dd>
 *   <dt>{@value #ONE_TASK}</dt>
 *   <dd>Everything runs in one task. Over the window between the two samples (at least
 *       {@link #MIN_WINDOW_NANOS 0.5 s}) on a runtime of two or more workers: one task's busy time
 *       grew by at least {@link #ONE_TASK_MIN_SHARE_OF_WINDOW half} of the window, that is at least
 *       {@link #ONE_TASK_SHARE 80 %} of all tasks' busy time together, and some worker was parked at
 *       both samples. The other tasks together then kept the other workers busy for under a quarter of
 *       what that one task did: the program has work, but not as tasks the runtime could run in
 *       parallel. The cure: spawn the independent pieces (one task per connection, per request, per
 *       chunk) instead of joining them inside one task. Busy time counts finished polls only, so a
 *       task stuck in one long poll shows up as blocking or never-yielded, not here; and a task's
 *       growth is capped at the window's length, since busy time is an estimate (one sampled poll
 *       counts 16 times) that a single long poll can push past what one thread could do.</dd>
 * </dl>
 */
final class Lints {
    static final String BLOCKING = "blocking";
    static final String NEVER_YIELDED = "never-yielded";
    static final String LOST_WAKER = "lost-waker";
    static final String ONE_TASK = "one-task";

    /** How long after a blocking episode ends it is still shown. */
    static final long RECENT_NANOS = 60_000_000_000L;
    /** The shortest window over which "one-task" is judged; shorter ones are too noisy. */
    static final long MIN_WINDOW_NANOS = 500_000_000L;
    /** "One-task": the share of all busy time the top task must have. */
    static final double ONE_TASK_SHARE = 0.8;
    /** "One-task": the top task must have been busy for at least this share of the window. */
    static final double ONE_TASK_MIN_SHARE_OF_WINDOW = 0.5;

    private Lints() {
    }

    /**
     * One warning.
     *
     * @param lint    {@value #BLOCKING}, {@value #NEVER_YIELDED}, {@value #LOST_WAKER} or {@value #ONE_TASK}
     * @param taskId  the task it is about
     * @param live    whether that task is still live (a blocking episode is shown for a while after its
     *                task ended)
     * @param message what happened and what to do about it, in one or two sentences
     */
    record Warning(String lint, long taskId, boolean live, String message) {
    }

    /**
     * The warnings for the runtime as {@code now} shows it, and as it changed since {@code earlier}.
     *
     * @param earlier an earlier sample of the same runtime, or null (then "one-task" is not judged)
     * @param now     the current sample
     * @return the warnings, task by task in the order of {@code now.tasks()}, then those about tasks
     *     that have ended
     */
    static List<Warning> check(Sample earlier, Sample now) {
        Map<Long, TaskInfo> live = new LinkedHashMap<>();
        for (TaskInfo t : now.tasks()) {
            live.put(t.id(), t);
        }
        Map<Long, List<Warning>> byTask = new LinkedHashMap<>();
        live.keySet().forEach(id -> byTask.put(id, new ArrayList<>()));
        List<Warning> ended = new ArrayList<>();

        for (Warning w : fromReports(now, live)) {
            List<Warning> ws = byTask.get(w.taskId());
            (ws != null ? ws : ended).add(w);
        }
        for (TaskInfo t : now.tasks()) {
            if (t.lostWaker()) {
                byTask.get(t.id()).add(new Warning(LOST_WAKER, t.id(), true, label(t) + " is idle and nothing can"
                        + " wake it: its last poll returned pending without asking for its waker (cx.waker()),"
                        + " so it will never run again. A hand-written Future must keep cx.waker() and call it"
                        + " when it can make progress."));
            }
        }
        Warning oneTask = oneTask(earlier, now);
        if (oneTask != null) {
            byTask.get(oneTask.taskId()).add(oneTask);
        }
        List<Warning> all = new ArrayList<>();
        byTask.values().forEach(all::addAll);
        all.addAll(ended);
        return all;
    }

    /** "blocking" and "never-yielded": the latest report per task and kind, with a count. */
    private static List<Warning> fromReports(Sample now, Map<Long, TaskInfo> live) {
        // Per task and lint: the latest report, and how many there were.
        record Key(long taskId, String lint) {
        }
        Map<Key, SeenReport> latest = new LinkedHashMap<>();
        Map<Key, Integer> counts = new HashMap<>();
        for (SeenReport r : now.reports()) {
            boolean ongoing = r.ongoingIn(now.metrics());
            if (!ongoing && now.atNanos() - r.lastOngoingNanos() > RECENT_NANOS) {
                continue;
            }
            Key k = new Key(r.report().task().id(), waiting(r) ? BLOCKING : NEVER_YIELDED);
            latest.put(k, r); // reports come oldest first
            counts.merge(k, 1, Integer::sum);
        }
        List<Warning> out = new ArrayList<>();
        latest.forEach((k, r) -> {
            boolean ongoing = r.ongoingIn(now.metrics());
            long ms = r.blockedForNanos(now.atNanos(), ongoing) / 1_000_000;
            TaskInfo task = live.getOrDefault(k.taskId(), r.report().task());
            String where = where(r.report().workerStack());
            StringBuilder m = new StringBuilder(label(task));
            if (k.lint().equals(BLOCKING)) {
                m.append(ongoing ? " is blocking worker " : " blocked worker ").append(r.report().worker())
                        .append(ongoing ? " (for " + ms + " ms so far)" : " for at least " + ms + " ms").append(where)
                        .append(ongoing ? "" : ", " + ago(now.atNanos() - r.lastOngoingNanos()))
                        .append(": a poll must not wait. Move blocking calls to Weft.spawnBlocking or wrap them in"
                                + " Weft.blockInPlace.");
            } else {
                m.append(ongoing ? " has been computing on worker " : " computed on worker ").append(r.report().worker())
                        .append(ongoing ? " for " + ms + " ms so far" : " for at least " + ms + " ms")
                        .append(" without yielding")
                        .append(where)
                        .append(ongoing ? "" : ", " + ago(now.atNanos() - r.lastOngoingNanos()))
                        .append(": the tasks queued behind it wait. Await Weft.yieldNow() in long loops, or move"
                                + " the computation off the workers.");
            }
            int n = counts.get(k);
            if (n > 1) {
                m.append(" (").append(n).append(" such polls recently)");
            }
            if (!live.containsKey(k.taskId())) {
                m.append(" The task has ended.");
            }
            out.add(new Warning(k.lint(), k.taskId(), live.containsKey(k.taskId()), m.toString()));
        });
        return out;
    }

    /**
     * Whether the worker was waiting rather than computing: its thread was not runnable (a sleep, a
     * park, a monitor it could not enter), or its innermost frame is native (a blocking read).
     */
    static boolean waiting(SeenReport r) {
        List<StackTraceElement> stack = r.report().workerStack();
        return r.report().workerState() != Thread.State.RUNNABLE || stack.isEmpty() || stack.get(0).isNativeMethod();
    }

    /** " in Thread.sleep, called at Foo.bar(Foo.java:12)": the innermost frame and the first user frame. */
    private static String where(List<StackTraceElement> stack) {
        if (stack.isEmpty()) {
            return "";
        }
        StackTraceElement top = stack.get(0);
        String s = " in " + simpleClass(top.getClassName()) + "." + top.getMethodName();
        for (StackTraceElement e : stack) {
            String c = e.getClassName();
            if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")
                    && !c.startsWith("dev.weft.internal.") && !c.startsWith("dev.weft.runtime.")) {
                return e == top ? " at " + e : s + ", called at " + e;
            }
        }
        return s;
    }

    private static String simpleClass(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static String ago(long nanos) {
        long s = nanos / 1_000_000_000L;
        return s < 1 ? "just now" : s + " s ago";
    }

    /** The "one-task" rule; null when it does not hold. */
    private static Warning oneTask(Sample earlier, Sample now) {
        if (earlier == null) {
            return null;
        }
        RuntimeMetrics m = now.metrics();
        long window = now.atNanos() - earlier.atNanos();
        if (!m.multiThread() || m.workers().size() < 2 || window < MIN_WINDOW_NANOS) {
            return null;
        }
        Map<Long, Long> before = new HashMap<>();
        for (TaskInfo t : earlier.tasks()) {
            before.put(t.id(), t.busyNanos());
        }
        long total = 0;
        TaskInfo top = null;
        long topBusy = 0;
        for (TaskInfo t : now.tasks()) {
            // A task runs on one thread at a time, so it cannot be busy for longer than the window; the
            // estimate can say so (one sampled poll counts 16 times), and would then outweigh the rest.
            long d = Math.clamp(t.busyNanos() - before.getOrDefault(t.id(), 0L), 0, window);
            total += d;
            if (d > topBusy) {
                topBusy = d;
                top = t;
            }
        }
        if (top == null || topBusy < window * ONE_TASK_MIN_SHARE_OF_WINDOW || topBusy < total * ONE_TASK_SHARE) {
            return null;
        }
        WorkerInfo idle = null;
        for (WorkerInfo w : m.workers()) {
            int i = w.index();
            if (w.idle() && i < earlier.metrics().workers().size() && earlier.metrics().workers().get(i).idle()) {
                idle = w;
                break;
            }
        }
        if (idle == null) {
            return null;
        }
        long pct = Math.round(100.0 * topBusy / Math.max(1, total));
        return new Warning(ONE_TASK, top.id(), true, label(top) + " did " + pct + " % of all tasks' work over the"
                + " last " + String.format("%.1f", window / 1e9) + " s (busy " + topBusy / 1_000_000 + " ms) while "
                + idle.thread() + " sat idle: everything runs in one task. Spawn the independent pieces as tasks"
                + " of their own (one per connection, request or chunk) so the other workers can run them.");
    }

    /** {@code task 12 "name"}, or {@code task 12 (Foo (lambda))} without a name. */
    static String label(TaskInfo t) {
        return t.name() != null ? "task " + t.id() + " \"" + t.name() + "\"" : "task " + t.id() + " (" + describeBody(t.body()) + ")";
    }

    /** The body's class name, a lambda's shown as {@code Foo (lambda)} as SpawnSite does. */
    static String describeBody(String className) {
        int lambda = className.indexOf("$$Lambda");
        return lambda >= 0 ? className.substring(0, lambda) + " (lambda)" : className;
    }
}
