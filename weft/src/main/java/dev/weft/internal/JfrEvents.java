package dev.weft.internal;

import java.util.concurrent.atomic.LongAdder;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/**
 * Weft's Java Flight Recorder events, so that JDK Mission Control and {@code jfr print --events
 * 'dev.weft.*'} show tasks next to the JVM's own events. Not API; the event names and fields are.
 *
 * <p>When no recording asks for an event, emitting it costs one check of a flag per site
 * ({@link Event#isEnabled()} on a probe instance, which JFR answers from its settings); only a
 * recording pays for the objects and the clock reads. Poll and spawn events are off in JFR's default
 * settings ({@code -XX:StartFlightRecording} without a settings file): a poll event per poll is a lot of
 * data, so enable them explicitly ({@code jfr configure} or a .jfc file with
 * {@code dev.weft.TaskPoll#enabled=true}).
 */
public final class JfrEvents {
    private JfrEvents() {
    }

    /** Every pinned await in this JVM (an await whose suspension the VM refused), for the runtime metrics. */
    public static final LongAdder PINNED_AWAITS = new LongAdder();

    @Name("dev.weft.TaskSpawn")
    @Label("Task Spawn")
    @Category({"Weft", "Tasks"})
    @Description("A task was spawned on a Weft runtime")
    @Enabled(false)
    @StackTrace(false)
    public static final class TaskSpawn extends Event {
        @Label("Task Id")
        public long taskId;
        @Label("Parent Task Id")
        @Description("The task that spawned it; 0 when spawned from outside any task")
        public long parentId;
        @Label("Body")
        public String body;
        @Label("Name")
        public String name;
        @Label("Runtime")
        public String runtime;
    }

    @Name("dev.weft.TaskPoll")
    @Label("Task Poll")
    @Category({"Weft", "Tasks"})
    @Description("One poll of a task: its duration is the time the task held its thread")
    @Enabled(false)
    @StackTrace(false)
    @Threshold("0 ms")
    public static final class TaskPoll extends Event {
        @Label("Task Id")
        public long taskId;
        @Label("Body")
        public String body;
        @Label("Completed")
        @Description("Whether the task completed in this poll")
        public boolean completed;
    }

    @Name("dev.weft.TaskComplete")
    @Label("Task Complete")
    @Category({"Weft", "Tasks"})
    @Description("A task completed: its output, failure or cancellation is published")
    @StackTrace(false)
    public static final class TaskComplete extends Event {
        @Label("Task Id")
        public long taskId;
        @Label("Body")
        public String body;
        @Label("Outcome")
        @Description("ok, failed or cancelled")
        public String outcome;
        @Label("Polls")
        public long polls;
        @Label("Busy Time")
        @Timespan(Timespan.NANOSECONDS)
        public long busy;
    }

    @Name("dev.weft.BlockingDetected")
    @Label("Blocking Detected")
    @Category({"Weft", "Problems"})
    @Description("A poll held its worker past the runtime's blocking threshold")
    @StackTrace(false)
    public static final class BlockingDetected extends Event {
        @Label("Task Id")
        public long taskId;
        @Label("Body")
        public String body;
        @Label("Worker")
        public String worker;
        @Label("Blocked For")
        @Timespan(Timespan.NANOSECONDS)
        public long blockedFor;
        @Label("Worker Stack")
        @Description("The worker's stack when the watchdog saw it, one frame per line")
        public String workerStack;
    }

    @Name("dev.weft.PinnedAwait")
    @Label("Pinned Await")
    @Category({"Weft", "Problems"})
    @Description("An await could not suspend its async block (a native frame or a critical section on the"
            + " stack) and failed")
    @StackTrace(true)
    public static final class PinnedAwait extends Event {
        @Label("Reason")
        public String reason;
    }

    /** Probes whose {@link Event#isEnabled()} says whether any recording wants the event. */
    public static final TaskSpawn SPAWN_PROBE = new TaskSpawn();
    public static final TaskPoll POLL_PROBE = new TaskPoll();
    public static final TaskComplete COMPLETE_PROBE = new TaskComplete();
}
