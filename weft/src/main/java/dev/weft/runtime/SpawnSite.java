package dev.weft.runtime;

import java.util.Optional;
import java.util.Set;

/**
 * Where a task came from: its id, its name if it was given one, its body's class (always known, and
 * for a lambda naming the class it was written in), the source line of the spawn when spawn locations
 * are captured ({@link Runtime.Builder#captureSpawnLocations}), and the same for the task that spawned
 * it, up to {@value #MAX_DEPTH} levels. Immutable; a task's site is shared by all its children, and it
 * holds no reference to any task, so a chain keeps nothing alive but these small records.
 */
public final class SpawnSite {
    /** How many ancestors a site shows ({@link #parent()}, {@link #describeChain()}); past that, only an id. */
    public static final int MAX_DEPTH = 4;
    /** How many ancestors a site may hold before its chain is cut back to {@value #MAX_DEPTH}. */
    private static final int KEPT = 4 * MAX_DEPTH;

    /** Frames of these classes are the runtime's own spawn path, skipped to find the user's line. */
    private static final Set<String> SPAWN_PATH = Set.of("dev.weft.Weft", "dev.weft.runtime.Handle",
            "dev.weft.runtime.Runtime", "dev.weft.runtime.JoinSet", "dev.weft.runtime.LocalSet",
            "dev.weft.runtime.Task", "dev.weft.runtime.SpawnSite");
    private static final StackWalker WALKER = StackWalker.getInstance();

    private final long taskId;
    private final String name;
    private final Class<?> body;
    private final StackTraceElement location;
    private final long parentId;
    private final SpawnSite parent;
    private final int depth;

    /**
     * A site whose chain is {@code parent}'s plus {@code parent}. A chain is shown to {@value #MAX_DEPTH}
     * ancestors but kept to up to {@value #KEPT} before it is cut: cutting copies the links it keeps, so
     * cutting at every spawn would cost a chain of spawns {@value #MAX_DEPTH} small objects per task;
     * this way it costs one (its own) and a third of one (the copies, every 13 generations), and a chain
     * still holds a bounded number of records.
     */
    SpawnSite(long taskId, String name, Class<?> body, StackTraceElement location, long parentId, SpawnSite parent) {
        this(taskId, name, body, location, parentId,
                parent == null || parent.depth < KEPT ? parent : parent.cut(MAX_DEPTH - 1), 0);
    }

    private SpawnSite(long taskId, String name, Class<?> body, StackTraceElement location, long parentId,
                      SpawnSite parent, int unused) {
        this.taskId = taskId;
        this.name = name;
        this.body = body;
        this.location = location;
        this.parentId = parentId;
        this.parent = parent;
        this.depth = parent == null ? 0 : parent.depth + 1;
    }

    /** This site with at most {@code ancestors} ancestors: itself if it has no more. */
    private SpawnSite cut(int ancestors) {
        if (depth <= ancestors) {
            return this;
        }
        return new SpawnSite(taskId, name, body, location, parentId, ancestors == 0 ? null : parent.cut(ancestors - 1), 0);
    }

    /** How many ancestors this site holds in memory (at least as many as it shows); for tests. */
    int keptAncestors() {
        return depth;
    }

    /** The first frame of the caller outside the runtime's spawn path: the user's spawn line. */
    static StackTraceElement callerLocation() {
        return WALKER.walk(frames -> frames
                .filter(f -> !SPAWN_PATH.contains(f.getClassName()) && !f.getClassName().startsWith("dev.weft.internal."))
                .findFirst()
                .map(StackWalker.StackFrame::toStackTraceElement)
                .orElse(null));
    }

    /** The task's id. */
    public long taskId() {
        return taskId;
    }

    /** The name given at spawn, if any. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** The class of the task's body. */
    public Class<?> body() {
        return body;
    }

    /** The line that spawned the task, when spawn locations were captured. */
    public Optional<StackTraceElement> location() {
        return Optional.ofNullable(location);
    }

    /** The id of the task that spawned this one, or 0 for a task spawned from outside any task. */
    public long parentId() {
        return parentId;
    }

    /** The spawning task's site, if it was spawned by a task and is within {@value #MAX_DEPTH} levels. */
    public Optional<SpawnSite> parent() {
        return Optional.ofNullable(parent == null ? null : parent.cut(MAX_DEPTH - 1));
    }

    /**
     * A readable name for a body class: a lambda's generated name ({@code Foo$$Lambda/0x0001...}) is
     * shown as {@code Foo (lambda)}, since the class it was written in is what a person looks for.
     */
    public static String describeBody(Class<?> body) {
        String n = body.getName();
        int lambda = n.indexOf("$$Lambda");
        return lambda >= 0 ? n.substring(0, lambda) + " (lambda)" : n;
    }

    /** One line: {@code task 12 "name" (body Foo (lambda)) spawned at Foo.run(Foo.java:42)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder("task ").append(taskId);
        if (name != null) {
            sb.append(" \"").append(name).append('"');
        }
        sb.append(" (body ").append(describeBody(body)).append(')');
        if (location != null) {
            sb.append(" spawned at ").append(location);
        }
        return sb.toString();
    }

    /**
     * This site and its ancestors, one per line, indented: how a failure shows where its task came
     * from.
     */
    public String describeChain() {
        StringBuilder sb = new StringBuilder(describe());
        SpawnSite s = this;
        for (int shown = 0; shown < MAX_DEPTH && s.parent != null; shown++) {
            s = s.parent;
            sb.append("\n\tspawned by ").append(s.describe());
        }
        if (s.parentId != 0) {
            sb.append("\n\tspawned by task ").append(s.parentId).append(" (further ancestors not kept)");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
