package dev.weft.runtime;

import dev.weft.AsyncException;
import dev.weft.Context;
import dev.weft.Coop;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.internal.AsyncBlock;
import dev.weft.internal.Cancellation;
import dev.weft.internal.JfrEvents;
import dev.weft.internal.SpanHooks;
import dev.weft.internal.TaskScope;
import dev.weft.internal.ThreadContext;
import dev.weft.internal.WeftCleaner;
import dev.weft.trace.Span;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * A future handed to a runtime: the unit the scheduler runs. It is its own {@link Waker} and its own
 * {@link Context}, so polling allocates nothing and a task is one object.
 *
 * <h2>State word</h2>
 * Bits of {@link #state}, changed only by CAS:
 * <ul>
 *   <li>{@code SCHEDULED}: in exactly one run queue. Set by whoever moves the task into a queue.</li>
 *   <li>{@code RUNNING}: a thread is polling it. Set by that thread when it takes the task from a
 *       queue (clearing SCHEDULED), cleared when the poll ends.</li>
 *   <li>{@code NOTIFIED}: woken while RUNNING. The poller sees it at the end of the poll and puts the
 *       task at the back of the queue itself; a wake never queues a running task, so a task is in at
 *       most one queue and polled by at most one thread.</li>
 *   <li>{@code COMPLETE}: the outcome is published. Final; wakes are ignored.</li>
 *   <li>{@code CANCELLED}: abort requested. The next poll cancels the future instead of polling it.</li>
 *   <li>{@code HOMED}: a continuation started inside this task's poll, so the task must only run on
 *       {@link #home}'s thread from now on: it is never stolen, and wakes elsewhere send it there.
 *       Set by the CAS that ends the poll in which it started; {@code home} is written before it.</li>
 *   <li>{@code JOIN_WAITER}: a joiner registered its waker (under the task's lock). Completion takes
 *       the lock to wake joiners only if it is set.</li>
 *   <li>{@code FAILURE_OBSERVED}, {@code TRACE_ADDED}: a joiner took the failure; its async trace
 *       was added (once, by whoever got there first).</li>
 *   <li>{@code LOST_WAKER}: a task stat, set by the CAS that ends a pending poll (see "Counters").</li>
 *   <li>Bits 10 and up count wakes.</li>
 * </ul>
 * Transitions: idle --wake--> SCHEDULED --taken--> RUNNING --(NOTIFIED? back to SCHEDULED : idle), and
 * RUNNING --done--> COMPLETE. The outcome fields are written by the running thread before the CAS that
 * sets COMPLETE, so a thread that sees COMPLETE sees the outcome.
 *
 * <h2>Unwinding</h2>
 * A cancelled async block may suspend in a non-cancellable cleanup; it is then adopted
 * ({@link #adoptUnwinding}) and polled on every wake until it ends. The task completes only when its
 * future and everything it adopted have ended.
 *
 * <h2>Counters</h2>
 * {@code polls} and {@code busyNanos} are written by the polling thread only (racy reads by observers
 * are fine for metrics). Wakes, which come from any thread, are counted in the high bits of the state
 * word, in the same CAS that records the wake: no separate atomic add.
 *
 * <p>Times are sampled, because a {@code System.nanoTime()} costs about 20 ns here, a fifth of a spawn.
 * One scheduling in {@value ThreadContext#TIMING_SAMPLE} (at the spawn, a wake or a requeue after a
 * yield) is stamped; the poll that takes the task from the queue reads the clock once, which ends the
 * wait (added to {@code scheduledNanos} that many times over) and starts the poll's timing (added to
 * {@code busyNanos} and the histogram the same way): three clock readings per 64 polls. The task's
 * creation is stamped with the thread's recent clock reading ({@link ThreadContext#spawnClock}), not a
 * fresh one; idle time is what is left of its age. Self-wakes are wakes from inside the task's own poll.
 * A poll that returns pending without having asked its context for the waker, and was not woken
 * meanwhile, leaves the task with nothing that could wake it: {@code LOST_WAKER}, set by the CAS that
 * ends the poll (no field, no extra write), which the console shows as a lint. All of it is skipped when
 * {@link #STATS} is off, which only the overhead benchmark does.
 */
final class Task<T> extends Context implements Waker, TaskScope {
    static final long SCHEDULED = 1;
    static final long RUNNING = 1 << 1;
    static final long NOTIFIED = 1 << 2;
    static final long COMPLETE = 1 << 3;
    static final long CANCELLED = 1 << 4;
    static final long HOMED = 1 << 5;
    /** Some joiner's waker is registered: completion must take the lock and wake them. */
    static final long JOIN_WAITER = 1 << 6;
    /** The failure was handed to a joiner: no unobserved-failure report. */
    static final long FAILURE_OBSERVED = 1 << 7;
    /** The async trace was added to the failure (by a joiner, or by the unobserved-failure report). */
    static final long TRACE_ADDED = 1 << 8;
    /** The last poll returned pending without asking for the waker, and no wake came (a task stat). */
    static final long LOST_WAKER = 1 << 9;
    /** Wakes are counted in the state word's high bits, by the CAS a wake makes anyway. */
    private static final int WAKE_SHIFT = 10;
    private static final long ONE_WAKE = 1L << WAKE_SHIFT;

    /**
     * Whether task stats are kept: true unless the JVM runs with {@code -Dweft.taskStats=false}. A
     * {@code static final}, so with it off the JIT removes the stats code; it exists for the benchmark
     * that measures what the stats cost (docs/perf.md), not as a tuning knob.
     */
    static final boolean STATS = !"false".equals(System.getProperty("weft.taskStats"));
    /** Buckets of the poll-time histogram: bucket i counts polls of [2^(i-1), 2^i) µs; 0 is under 1 µs. */
    static final int POLL_TIME_BUCKETS = 22;

    private static final VarHandle STATE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(Task.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long id;
    final Handle handle;
    /** Where this task goes when woken: the runtime's scheduler, or a blockOn root's own. */
    Schedule schedule;
    /** The worker this task is homed on (when HOMED); opaque to the task. */
    Object home;
    /** Link in a {@link TaskQueue} or {@link Mailbox}; a task is in at most one queue (its SCHEDULED bit). */
    Task<?> queueNext;
    /** The depth of the {@link Mailbox} stack when this task was pushed onto it. */
    int mailboxDepth;
    /**
     * Placed on a chosen worker by a spawn on a worker, before its first poll: that worker keeps it out
     * of its stealable ring, so an idle thief cannot undo the choice. Written before the queue push;
     * cleared by the worker that runs it, at its first poll.
     */
    boolean placed;
    private final Class<?> bodyClass;
    /** The span the task runs in (an instrumented future's, else the spawner's current one), or null. */
    final Span span;
    /**
     * This task's own site once made (at spawn when named or located, else by its first child's spawn);
     * until then the spawning task's site, or null when spawned from outside any task. One field for
     * both, told apart by the task id, because a million idle tasks cost a million of these.
     */
    private SpawnSite site;

    // Fields are kept few: a million idle tasks cost a million of these (docs/perf.md).
    private volatile long state = SCHEDULED;
    private Future<T> future;
    private boolean futureDone;
    private boolean failed;
    /** The output, or the failure if {@link #failed}; written before the CAS that sets COMPLETE. */
    private Object outcome;
    /** What few tasks need, made on first use: unwinding futures, cleanup failures, joiners. */
    private Extras extras;
    /**
     * The user's handle, held while the task lives (so no reference object per task) and let go at
     * completion; a failure then watches it with a Cleaner. Null for a blockOn root.
     */
    private JoinHandle<T> joinHandle;

    // Intrusive links of the registry, guarded by the registry shard's lock.
    Task<?> prev;
    Task<?> next;

    long polls;
    long busyNanos;
    // Stats (see "Counters"), written by the polling thread, except scheduledAt by the waker that
    // scheduled the task (published to the poller by the queue it is pushed through).
    /** 0 until stamped: see the constructor. */
    private long createdNanos;
    private long scheduledNanos;
    private long scheduledAt;
    private int selfWakes;
    /**
     * The thread of the latest poll (a task stat's helper): written before the CAS that sets RUNNING, so
     * a waker that sees RUNNING sees the thread polling now, and can tell a self-wake by comparing it
     * with its own, where looking up its {@link ThreadContext} could cost a thread-local lookup.
     */
    private Thread poller;
    /** Whether this poll asked for the waker: set by {@link #waker()}, reset at the end of a pending poll. */
    private boolean wakerTaken;
    private int[] pollTimes;

    Task(Future<T> future, Handle handle) {
        this(future, handle, null);
    }

    Task(Future<T> future, Handle handle, String name) {
        ThreadContext tc = ThreadContext.current();
        this.id = tc.newTaskId();
        this.future = future;
        this.handle = handle;
        this.schedule = handle.scheduler;
        Future<?> body = future instanceof SpanHooks.Carrier c ? c.inner() : future; // instrumented: own span
        this.bodyClass = body instanceof AsyncBlock<?> b ? b.bodyClass() : body.getClass();
        this.span = (Span) (body != future ? ((SpanHooks.Carrier) future).span() : tc.span);
        SpawnSite parentSite = tc.task instanceof Task<?> parent ? parent.ownSite() : null;
        StackTraceElement location = handle.captureSpawnLocations ? SpawnSite.callerLocation() : null;
        this.site = name != null || location != null
                ? new SpawnSite(id, name, bodyClass, location, idOf(parentSite), parentSite)
                : parentSite;
        if (STATS) {
            // A spawn on a thread that runs tasks takes its recent clock reading. One from any other
            // thread reads no clock (a fifth of such a spawn's cost): the task is stamped when its first
            // wait is sampled, else at its first poll, so its age then misses the wait before that poll.
            long created = tc.recentNanos;
            if (ThreadContext.sampleId(id)) {
                scheduledAt = System.nanoTime();
                if (created == 0) {
                    created = scheduledAt;
                }
            }
            createdNanos = created;
        }
    }

    private static long idOf(SpawnSite s) {
        return s != null ? s.taskId() : 0;
    }

    private long parentId() {
        SpawnSite s = site;
        return s == null ? 0 : s.taskId() == id ? s.parentId() : s.taskId();
    }

    /** This task's site, made on first use; called by the polling thread (a child's spawn). */
    private SpawnSite ownSite() {
        SpawnSite s = site;
        if (s == null || s.taskId() != id) {
            s = new SpawnSite(id, null, bodyClass, null, idOf(s), s);
            site = s; // immutable, final fields: safe to publish by a plain write
        }
        return s;
    }

    /** The site as an observer sees it, without caching (any thread). */
    SpawnSite spawnSite() {
        SpawnSite s = site;
        return s != null && s.taskId() == id ? s : new SpawnSite(id, null, bodyClass, null, idOf(s), s);
    }

    @Override
    public Waker waker() {
        if (STATS) {
            wakerTaken = true;
        }
        return this;
    }

    /**
     * The rarely used part of a task. Created under the task's lock, never replaced. The unwinding
     * fields are touched by the polling thread only; the joiners under the task's lock.
     */
    private static final class Extras {
        List<Future<?>> unwinding;
        List<Throwable> cleanupFailures;
        Waker[] joiners;
        int joinerCount;
    }

    private synchronized Extras extras() {
        if (extras == null) {
            extras = new Extras();
        }
        return extras;
    }

    /** Makes the user's handle for this task; called once, at spawn. */
    JoinHandle<T> newJoinHandle() {
        JoinHandle<T> h = new JoinHandle<>(this);
        joinHandle = h;
        return h;
    }

    // ---------------------------------------------------------------------------------------------
    // Waking

    @Override
    public void wake() {
        while (true) {
            long s = state;
            if ((s & COMPLETE) != 0) {
                return;
            }
            if ((s & (RUNNING | SCHEDULED)) != 0) {
                // Running: the poller requeues it when the poll ends. Scheduled: it is in a queue already.
                long notified = (s & RUNNING) != 0 ? s | NOTIFIED : s;
                if (STATE.compareAndSet(this, s, notified + ONE_WAKE)) {
                    if (STATS && (s & RUNNING) != 0 && poller == Thread.currentThread()) {
                        selfWakes++; // only the polling thread gets here: a plain field is enough
                    }
                    return;
                }
            } else if (STATE.compareAndSet(this, s, (s | SCHEDULED) + ONE_WAKE)) {
                if (STATS && sampleWake(s)) {
                    scheduledAt = System.nanoTime();
                }
                schedule.schedule(this);
                return;
            }
        }
    }

    /**
     * Whether to stamp this scheduling (one in {@value ThreadContext#TIMING_SAMPLE}): one in that many of
     * the task's own wakes, offset by its id so tasks woken together are not all stamped together. Taken
     * from the wake count, not the thread's sampler, so a wake from a thread that is not a runtime's own
     * looks up no thread-local.
     */
    private boolean sampleWake(long s) {
        return (((s >>> WAKE_SHIFT) + id) & (ThreadContext.TIMING_SAMPLE - 1)) == 0;
    }

    /** Requests cancellation; the next poll delivers it on the thread that runs the task. */
    void abort() {
        while (true) {
            long s = state;
            if ((s & (COMPLETE | CANCELLED)) != 0) {
                return;
            }
            if (STATE.compareAndSet(this, s, s | CANCELLED)) {
                wake();
                return;
            }
        }
    }

    boolean isComplete() {
        return (state & COMPLETE) != 0;
    }

    boolean isHomed() {
        return (state & HOMED) != 0;
    }

    @Override
    public void continuationStarted() {
        if (home == null && AsyncBlock.homingEnabled()) {
            // Only the home is recorded here; the CAS that ends this poll sets HOMED (one CAS fewer
            // per task, and none at all for a task that completes in its first poll). Nothing reads
            // HOMED while the task runs: a wake then only sets NOTIFIED, and the poller requeues it.
            home = schedule.homeHere(this);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Running

    /**
     * Polls the task once. The caller took it from a queue (SCHEDULED is set) and is the thread that
     * runs this runtime's tasks.
     */
    void run(ThreadContext tc) {
        long s;
        if (STATS) {
            poller = Thread.currentThread();
        }
        do {
            s = state;
        } while (!STATE.compareAndSet(this, s, (s & ~SCHEDULED) | RUNNING));

        long start = 0; // non-zero: this poll is timed
        if (STATS) {
            long queued = scheduledAt;
            if (queued != 0) {
                // A sampled scheduling: one clock reading ends its wait and starts the timing of this poll.
                start = System.nanoTime();
                scheduledAt = 0;
                scheduledNanos += (start - queued) * ThreadContext.TIMING_SAMPLE;
                if (tc.recentNanos != 0) {
                    tc.recentNanos = start;
                }
            }
            if (createdNanos == 0) {
                createdNanos = tc.spawnClock(); // spawned from outside (see the constructor)
            }
        }
        TaskScope outerTask = tc.task;
        int outerBudget = tc.budget;
        boolean outerUnconstrained = tc.unconstrained;
        Object outerSpan = tc.span;
        Span sp = span;
        tc.task = this;
        tc.budget = Coop.BUDGET;
        tc.unconstrained = false;
        tc.span = sp;
        if (sp != null) {
            SpanHooks.entered(sp);
        }
        JfrEvents.TaskPoll pollEvent = null;
        if (JfrEvents.POLL_PROBE.isEnabled()) {
            pollEvent = new JfrEvents.TaskPoll();
            pollEvent.begin();
        }
        try {
            if (!futureDone) {
                if ((s & CANCELLED) != 0) {
                    deliverCancel();
                } else {
                    pollFuture(tc);
                }
            }
            Extras x = extras;
            if (x != null && x.unwinding != null) {
                pollUnwinding(x);
            }
        } finally {
            if (pollEvent != null) {
                commitPollEvent(pollEvent);
            }
            if (sp != null) {
                SpanHooks.exited(sp);
            }
            tc.span = outerSpan;
            tc.task = outerTask;
            tc.budget = outerBudget;
            tc.unconstrained = outerUnconstrained;
            if (STATS) {
                polls++;
                if (start != 0) {
                    recordPollTime(System.nanoTime() - start);
                }
            }
        }

        Extras x = extras; // an unwinding may have been adopted during this poll
        if (futureDone && (x == null || x.unwinding == null || x.unwinding.isEmpty())) {
            complete();
            if (home instanceof Worker w) {
                w.homedTaskEnded();
            }
            return;
        }
        long homed = home != null ? HOMED : 0;
        // Pending, and the waker never asked for: unless woken meanwhile, nothing can wake the task.
        long lost = 0;
        if (STATS) {
            if (!wakerTaken) {
                lost = LOST_WAKER;
            }
            // Reset for the next poll here, not at every poll's start: a task that completes in its
            // first poll never writes it.
            wakerTaken = false;
        }
        while (true) {
            s = state;
            if ((s & NOTIFIED) != 0) {
                if (STATE.compareAndSet(this, s, (s & ~(RUNNING | NOTIFIED | LOST_WAKER)) | SCHEDULED | homed)) {
                    if (STATS && tc.sampleTiming()) {
                        scheduledAt = System.nanoTime();
                    }
                    schedule.scheduleBack(this); // woken while it ran (a yield): behind the others
                    return;
                }
            } else if (STATE.compareAndSet(this, s, (s & ~(RUNNING | LOST_WAKER)) | homed | lost)) {
                return;
            }
        }
    }

    private void commitPollEvent(JfrEvents.TaskPoll event) {
        event.end();
        if (event.shouldCommit()) {
            event.taskId = id;
            event.body = bodyClass.getName();
            event.completed = futureDone;
            event.commit();
        }
    }

    /** Emits the spawn event, if a recording wants it; called once the task is registered. */
    void emitSpawnEvent() {
        JfrEvents.TaskSpawn event = new JfrEvents.TaskSpawn();
        if (event.shouldCommit()) {
            event.taskId = id;
            event.parentId = parentId();
            event.body = bodyClass.getName();
            event.name = site != null ? site.name().orElse(null) : null;
            event.runtime = handle.name();
            event.commit();
        }
    }

    private void emitCompleteEvent() {
        JfrEvents.TaskComplete event = new JfrEvents.TaskComplete();
        if (event.shouldCommit()) {
            event.taskId = id;
            event.body = bodyClass.getName();
            event.outcome = !failed ? "ok" : outcome instanceof CancellationException ? "cancelled" : "failed";
            event.polls = polls;
            event.busy = busyNanos;
            event.commit();
        }
    }

    /**
     * Adds a timed poll to the busy time and the histogram. A task's first sample goes to the busy time
     * only, which then is that poll's time counted {@value ThreadContext#TIMING_SAMPLE} times, so its
     * bucket can be read back from it ({@link #pollTimes()}): the histogram array is made at the second
     * sample, and the many tasks that are timed once, if at all, never make one.
     */
    private void recordPollTime(long nanos) {
        long sample = Math.max(1, nanos); // never 0, so that busyNanos tells whether a poll was timed
        long before = busyNanos;
        busyNanos = before + sample * ThreadContext.TIMING_SAMPLE;
        if (before == 0) {
            return;
        }
        int[] h = pollTimes;
        if (h == null) {
            h = new int[POLL_TIME_BUCKETS];
            h[firstSampleBucket(before)]++;
            pollTimes = h;
        }
        h[bucketOf(sample)]++;
    }

    /** The bucket of a task's only sample so far, read back from its busy time (see recordPollTime). */
    private static int firstSampleBucket(long busyNanos) {
        return bucketOf(busyNanos / ThreadContext.TIMING_SAMPLE);
    }

    private static int bucketOf(long nanos) {
        return Math.min(POLL_TIME_BUCKETS - 1, 64 - Long.numberOfLeadingZeros(nanos / 1000));
    }

    /**
     * A copy of the poll-time histogram; empty if no poll was timed. Racy, like all the counters: an
     * observer that reads while the second sample is being added may see both counted as one.
     */
    private int[] pollTimes() {
        int[] h = pollTimes;
        if (h != null) {
            return h.clone();
        }
        long busy = busyNanos;
        if (busy == 0) {
            return new int[0];
        }
        int[] one = new int[POLL_TIME_BUCKETS];
        one[firstSampleBucket(busy)]++;
        return one;
    }

    private void pollFuture(ThreadContext tc) {
        boolean outerInPoll = tc.inPoll;
        tc.inPoll = true;
        try {
            Object r = future.poll(this);
            if (r != Future.PENDING) {
                outcome = r;
                futureDone = true;
            }
        } catch (Throwable t) {
            outcome = AsyncException.unchecked(t);
            failed = true;
            futureDone = true;
        } finally {
            tc.inPoll = outerInPoll;
        }
    }

    private void deliverCancel() {
        futureDone = true;
        Cancellation cancelled = new Cancellation("task " + id + " was cancelled");
        outcome = cancelled;
        failed = true;
        try {
            future.cancel(); // an async block unwinds here, on this (its home) thread
        } catch (CancellationException ignored) {
            // The unwinding ended with the cancellation: the expected outcome.
        } catch (Throwable t) {
            cancelled.addSuppressed(t);
        }
    }

    @Override
    public Context context() {
        return this;
    }

    @Override
    public void adoptUnwinding(Future<?> f) {
        Extras x = extras();
        if (x.unwinding == null) {
            x.unwinding = new ArrayList<>(2);
        }
        x.unwinding.add(f);
    }

    private void pollUnwinding(Extras x) {
        List<Future<?>> unwinding = x.unwinding;
        for (int i = 0; i < unwinding.size(); i++) {
            Future<?> f = unwinding.get(i);
            boolean ended = true;
            try {
                ended = f.poll(this) != Future.PENDING;
            } catch (CancellationException expected) {
                // The usual end of an unwinding.
            } catch (Throwable t) {
                if (x.cleanupFailures == null) {
                    x.cleanupFailures = new ArrayList<>(1);
                }
                x.cleanupFailures.add(t);
            }
            if (ended) {
                unwinding.remove(i--);
            }
        }
    }

    private void complete() {
        future = null;
        Extras x = extras;
        if (x != null) {
            x.unwinding = null;
            if (x.cleanupFailures != null) {
                if (failed) {
                    x.cleanupFailures.forEach(((Throwable) outcome)::addSuppressed);
                } else {
                    x.cleanupFailures.forEach(t -> handle.reportUnobserved(info(), t));
                }
                x.cleanupFailures = null;
            }
        }
        long s;
        do {
            s = state;
        } while (!STATE.compareAndSet(this, s, (s & ~(RUNNING | NOTIFIED | SCHEDULED)) | COMPLETE));
        if (JfrEvents.COMPLETE_PROBE.isEnabled()) {
            emitCompleteEvent();
        }
        if (handle.registry.remove(this) && handle.isShuttingDown()) {
            handle.scheduler.shutdownComplete();
        }
        if ((s & JOIN_WAITER) != 0) {
            wakeJoiners(); // only then: most tasks complete with no one waiting, and skip the lock
        }
        JoinHandle<T> h = joinHandle;
        joinHandle = null;
        if (h != null && failed && !(outcome instanceof CancellationException)) {
            // Reported when the handle becomes unreachable, unless someone awaited it by then.
            WeftCleaner.CLEANER.register(h, this::reportUnobservedFailure);
        }
    }

    /** Completes a task that will never run (spawned on a closed runtime) as cancelled. */
    void completeUnstarted(String why) {
        Future<T> f = future;
        future = null;
        outcome = new Cancellation(why);
        failed = true;
        state = COMPLETE;
        f.cancel();
    }

    // ---------------------------------------------------------------------------------------------
    // Joining

    /** Registers {@code waker} to be woken at completion; false if the task is already complete. */
    synchronized boolean addJoiner(Waker waker) {
        if (isComplete()) {
            return false;
        }
        Extras x = extras();
        for (int i = 0; i < x.joinerCount; i++) {
            if (x.joiners[i] == waker) {
                return true;
            }
        }
        if (x.joiners == null) {
            x.joiners = new Waker[2];
        } else if (x.joinerCount == x.joiners.length) {
            x.joiners = Arrays.copyOf(x.joiners, x.joinerCount * 2);
        }
        x.joiners[x.joinerCount++] = waker;
        // Announce the waiter in the state word. Completion's CAS is ordered with this one: either it
        // sees the bit and wakes the joiners (under this lock, so it sees the waker), or this sees
        // COMPLETE and the caller reads the outcome itself.
        long s;
        do {
            s = state;
            if ((s & COMPLETE) != 0) {
                x.joiners[--x.joinerCount] = null;
                return false;
            }
        } while ((s & JOIN_WAITER) == 0 && !STATE.compareAndSet(this, s, s | JOIN_WAITER));
        return true;
    }

    private void wakeJoiners() {
        Waker[] ws;
        int n;
        synchronized (this) {
            Extras x = extras;
            if (x == null) {
                return;
            }
            ws = x.joiners;
            n = x.joinerCount;
            x.joiners = null;
            x.joinerCount = 0;
        }
        for (int i = 0; i < n; i++) {
            ws[i].wake();
        }
    }

    /**
     * The outcome, for a joiner; the task must be complete. A failure is thrown as the same object
     * every time; the first joiner to see it adds the async trace naming the body and its await site.
     */
    T joinOutcome() {
        if (!failed) {
            @SuppressWarnings("unchecked")
            T output = (T) outcome;
            return output;
        }
        Throwable f = (Throwable) outcome;
        if (!(f instanceof CancellationException)) {
            setFlag(FAILURE_OBSERVED);
            if (setFlag(TRACE_ADDED)) {
                f.addSuppressed(new AsyncTrace(spawnSite().describeChain()
                        + "\n\tfailed; its output was awaited at"));
            }
        }
        throw AsyncException.rethrow(f);
    }

    /** Sets {@code flag} in the state word; returns whether this call set it (false: it was set). */
    private boolean setFlag(long flag) {
        while (true) {
            long s = state;
            if ((s & flag) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s | flag)) {
                return true;
            }
        }
    }

    private void reportUnobservedFailure() {
        if ((state & FAILURE_OBSERVED) != 0 || !setFlag(TRACE_ADDED)) {
            return;
        }
        Throwable failure = (Throwable) outcome;
        failure.addSuppressed(new AsyncTrace(spawnSite().describeChain()
                + "\n\tfailed and its JoinHandle was dropped without anyone awaiting it; reported from"));
        handle.reportUnobserved(info(), failure);
    }

    // ---------------------------------------------------------------------------------------------
    // Observing

    /** A snapshot of this task's counters and state. */
    TaskInfo info() {
        long s = state;
        String st;
        if ((s & COMPLETE) != 0) {
            st = "complete";
        } else if ((s & RUNNING) != 0) {
            st = "running";
        } else if ((s & SCHEDULED) != 0) {
            st = "scheduled";
        } else {
            st = "idle";
        }
        if ((s & CANCELLED) != 0 && (s & COMPLETE) == 0) {
            st += ", cancelling";
        }
        long busy = busyNanos;
        long queued = scheduledNanos;
        long created = createdNanos;
        long age = created != 0 ? Math.max(0, System.nanoTime() - created) : 0;
        long idle = Math.max(0, age - busy - queued);
        SpawnSite where = spawnSite();
        boolean lost = (s & (LOST_WAKER | COMPLETE | SCHEDULED | RUNNING)) == LOST_WAKER;
        return new TaskInfo(id, where.name().orElse(null), bodyClass.getName(), where, st, polls, busy, queued, idle,
                age, s >>> WAKE_SHIFT, selfWakes, lost, span, pollTimes());
    }

    /** The stack of the task's async block while it is suspended, or null. */
    StackTraceElement[] suspendedStack() {
        Future<T> f = future;
        return f instanceof AsyncBlock<?> block ? block.suspendedStack() : null;
    }

    /** The task's stats and, if it is a suspended async block, its suspended stack. */
    TaskDump dump() {
        StackTraceElement[] stack = suspendedStack();
        return new TaskDump(info(), stack == null ? List.of() : List.of(stack));
    }

    @Override
    public String toString() {
        return "Task[" + id + ", " + bodyClass.getName() + "]";
    }
}
