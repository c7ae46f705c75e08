package dev.weft.internal;

import dev.weft.Context;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The per-thread state that the future core and the runtime share: the one runtime-owned thread-local
 * that DESIGN.md section 2 ("Context") calls for. Not API.
 *
 * <p>Only the owning thread reads or writes an instance, so the fields are plain. Each writer saves
 * the previous value and restores it when it is done, so nested polls (a block polled by a combinator
 * inside another block, a task polled inside {@code blockOn}) see their own state.
 */
public class ThreadContext extends CacheLinePadding {
    private static final ThreadLocal<ThreadContext> LOCAL = ThreadLocal.withInitial(ThreadContext::new);

    /** The innermost async block whose body is running on this thread, or null. */
    AsyncBlock<?> block;

    /** The context that {@link #block} was polled with: what its awaits poll their futures with. */
    Context blockContext;

    /**
     * True while some {@code poll()} is in progress on this thread outside a block body: an await
     * there would suspend a task in the middle of a poll. Set by the runtime around a task's poll and
     * by {@code await} around the awaited future's poll; cleared by a block while its body runs.
     */
    public boolean inPoll;

    /** The task being polled on this thread, set by the runtime; null outside a poll. */
    public TaskScope task;

    /**
     * The runtime whose task or driver loop is on this thread (a {@code dev.weft.runtime.Handle}),
     * set by the runtime; kept as {@code Object} so the core does not depend on the runtime.
     */
    public Object runtime;

    /** The I/O driver this thread selects on (a worker's own {@code dev.weft.io.IoDriver}), or null. */
    public Object ioDriver;

    /** The {@code dev.weft.runtime.LocalSet} being driven on this thread (opaque here), or null. */
    public Object localSet;

    /** Units of the cooperative budget left in the current task's poll (see {@code dev.weft.Coop}). */
    public int budget;

    /** True while an unconstrained future is polled: no budget applies. */
    public boolean unconstrained;

    /** How many times a task on this thread was made to yield by the budget. */
    public long budgetYields;

    /** The task-local bindings in effect (a {@code dev.weft.TaskLocal} chain, opaque here), or null. */
    public Object taskLocals;

    /**
     * The span in effect (a {@code dev.weft.trace.Span}, opaque here), or null: the polled task's, or
     * the one an instrumented future entered. Spawned tasks inherit it.
     */
    public Object span;

    /**
     * A recent {@code System.nanoTime()} on a runtime worker or a thread driving a current-thread
     * runtime, refreshed by sampled polls and whenever the thread wakes from a park: what a spawn stamps
     * a task's creation with, instead of reading the clock (about 20 ns) per spawn. Zero on other threads.
     */
    public long recentNanos;

    /** True on a runtime's blocking-pool thread: {@code await} explains itself, {@code blockOn} is allowed. */
    public boolean blockingPool;

    /** Per-thread sampling counters (lock and leak detectors): no shared cache line on hot paths. */
    int lockSamples;
    /** The lock detector's one-entry cache: the last body class it saw here, and that class's counter. */
    Class<?> lockBody;
    AtomicInteger lockChecks;
    int leakSamples;

    /** Task ids are handed to threads in blocks of this many, so a spawn touches no shared counter. */
    private static final int ID_BLOCK = 1024;
    private static final AtomicLong IDS = new AtomicLong();
    private long nextId;
    private long idLimit;

    /**
     * One scheduling in this many is stamped and the poll after it timed, for the queued and busy-time
     * estimates (a power of two). 64, not 16: each sample costs about 130 ns in all (three clock reads,
     * the branches that go the rare way, the histogram), which at 1 in 16 was 8 ns on an 85 ns spawn
     * (docs/perf.md §10).
     */
    public static final int TIMING_SAMPLE = 64;

    /** State of a xorshift generator for sampling: cheaper than {@code ThreadLocalRandom}, never zero. */
    private int sampleSeed = System.identityHashCode(this) | 1;

    ThreadContext() {
    }

    /**
     * A runtime thread's context, padded after its fields as {@link CacheLinePadding} pads before
     * them, so no other object shares its cache lines.
     */
    @SuppressWarnings("unused")
    static final class Padded extends ThreadContext {
        private long q00, q01, q02, q03, q04, q05, q06, q07;
        private long q08, q09, q10, q11, q12, q13, q14, q15;
    }

    /**
     * The time to stamp a new task with: {@link #recentNanos} on a worker that keeps it fresh, the
     * clock itself elsewhere.
     */
    public long spawnClock() {
        long t = recentNanos;
        return t != 0 ? t : System.nanoTime();
    }

    /** A task id unique in this JVM (not in spawn order across threads: each thread has its own block). */
    public long newTaskId() {
        if (nextId == idLimit) {
            nextId = IDS.getAndAdd(ID_BLOCK) + 1;
            idLimit = nextId + ID_BLOCK;
        }
        return nextId++;
    }

    /**
     * Whether to stamp the scheduling about to happen (a requeue after a yield; spawns use
     * {@link #sampleId}), so that the poll that takes the task is timed: true for one in
     * {@link #TIMING_SAMPLE}, at random, so that every task is sampled fairly whatever the order its
     * schedulings come in.
     */
    public boolean sampleTiming() {
        int x = sampleSeed;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        sampleSeed = x;
        return (x & (TIMING_SAMPLE - 1)) == 0;
    }

    /**
     * Whether the task with this id has its spawn stamped: one id in {@link #TIMING_SAMPLE}, picked by
     * a multiplicative hash, so that tasks spawned in a repeating pattern are not all sampled or all
     * skipped. Costs a multiply and a shift; the thread's own sampler ({@link #sampleTiming()}) would
     * cost a load and a store of its state on every spawn.
     */
    public static boolean sampleId(long id) {
        return (id * 0x9E3779B97F4A7C15L) >>> (Long.SIZE - Integer.numberOfTrailingZeros(TIMING_SAMPLE)) == 0;
    }

    /** This thread's context: a field of a runtime's own threads, a thread-local on any other. */
    public static ThreadContext current() {
        return Thread.currentThread() instanceof WeftThread w ? w.context : LOCAL.get();
    }
}
