package dev.weft.internal;

import dev.weft.AsyncBody;
import dev.weft.AsyncException;
import dev.weft.AsyncRunnable;
import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * An async block: a future whose body is plain Java that suspends at {@code await} (DESIGN.md
 * sections 1 and 2). Created by {@code Weft.async}; not API.
 *
 * <h2>Implementation overview</h2>
 * A block starts in {@code NEW} and runs in one of two ways:
 * <ul>
 *   <li><b>Inline.</b> Awaited from inside another block before anything polled it, it is claimed with a
 *       CAS ({@code NEW -> INLINE}) and its body runs on the awaiter's stack, as a plain call; its
 *       awaits suspend the awaiter's continuation. No continuation of its own is ever made.</li>
 *   <li><b>Polled.</b> Polled by a task or a combinator, it gets a continuation ({@code NEW ->
 *       RUNNING}); {@code poll} mounts it, and it runs until an await of a pending future yields
 *       ({@code RUNNING -> IDLE}) or the body ends ({@code -> DONE}). The first poll records the
 *       <em>home</em> thread: a started block is only ever resumed there, because C2-compiled frames may
 *       keep seeing the thread they first ran on.</li>
 * </ul>
 *
 * <p>State word ({@link #state}), all transitions by CAS or by the one thread that holds the block:
 * <pre>
 *   NEW --poll--> RUNNING --yield--> IDLE --poll--> RUNNING --body ends--> DONE
 *   NEW --await--> INLINE --body ends--> DONE
 *   NEW --cancel--> DONE
 *   IDLE --stack dump--> DUMPING --> IDLE
 * </pre>
 * The body, {@link #shield} and the outcome fields are touched only by the thread that
 * holds the block ({@code RUNNING} or {@code INLINE}, always the home thread once started). The outcome
 * fields are written before the volatile write of {@code DONE}, so any thread that reads {@code DONE}
 * sees them. A dumper claims {@code IDLE -> DUMPING} so a stack is never read while it runs (reading a
 * running continuation's stack crashed the VM).
 *
 * <h2>Cancellation</h2>
 * {@link #cancel()} on a suspended block sets {@link #cancelled} and resumes it once, on its home
 * thread: the pending {@code await} cancels the future it waited for and throws
 * {@link CancellationException}; so does every later await, ready or not, except inside a
 * non-cancellable block, which raises the {@link #shield}. If the unwinding suspends (a
 * non-cancellable cleanup awaiting something), the current task adopts the block and polls it to the
 * end. If the body swallows the exception and returns, its output is discarded.
 *
 * @param <T> the type of the output
 */
public final class AsyncBlock<T> implements Future<T>, Runnable {
    private static final int NEW = 0;
    private static final int INLINE = 1;
    private static final int RUNNING = 2;
    private static final int IDLE = 3;
    private static final int DUMPING = 4;
    private static final int DONE = 5;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(AsyncBlock.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Whether {@code jdk.internal.vm} is exported to Weft; checked before {@link Coroutines} loads. */
    private static final boolean CONTINUATIONS_EXPORTED =
            Object.class.getModule().isExported("jdk.internal.vm", AsyncBlock.class.getModule());

    private static final String MISSING_EXPORT = "Weft's async blocks run on the JDK's continuations, and this"
            + " JVM does not export them to Weft. Start java with"
            + " --add-exports java.base/jdk.internal.vm=ALL-UNNAMED (=dev.weft on the module path); an"
            + " executable jar can say 'Add-Exports: java.base/jdk.internal.vm' in its manifest. Futures"
            + " without async blocks work without it.";

    private static final Context NO_TASK_CONTEXT = new Context(Waker.noop());

    /**
     * Test-only switch ({@code -Dweft.unsafe.disableHoming=true}): lets started blocks resume on any
     * thread, so the stress tests can show what homing prevents. Never use it in a program: blocks then
     * see stale {@code Thread.currentThread()} values once compiled, and thread-locals and locks break.
     */
    private static final boolean HOMING = !Boolean.getBoolean("weft.unsafe.disableHoming");

    /** Whether started blocks are homed (always, outside the homing stress tests). */
    public static boolean homingEnabled() {
        return HOMING;
    }

    // Fields are kept few: a million suspended blocks cost a million of these (docs/perf.md).

    /** The user's {@link AsyncBody} or {@link AsyncRunnable}, held as is: no adapter object or frame. */
    private final Object body;
    /** Non-null exactly for a non-cancellable block: the bound on its cleanup. */
    private final Duration cleanupTimeout;

    private volatile int state;
    private volatile boolean cancelled;
    private boolean failed;

    private Object coroutine;
    private Thread home;
    private int shield;
    private LeakDetector.Tracker leak;

    /** The output, or the failure if {@link #failed}. */
    private Object outcome;

    private AsyncBlock(Object body, Duration cleanupTimeout) {
        this.body = body;
        this.cleanupTimeout = cleanupTimeout;
    }

    /**
     * A block running {@code body}. With a {@code cleanupTimeout} it is non-cancellable: its owner's
     * cancellation does not interrupt it, and the timeout bounds its cleanup.
     */
    public static <T> AsyncBlock<T> of(AsyncBody<T> body, Duration cleanupTimeout) {
        return new AsyncBlock<>(body, cleanupTimeout);
    }

    /** A block running {@code body}, which has no output (the block completes with null); see {@link #of}. */
    public static AsyncBlock<Void> ofVoid(AsyncRunnable body, Duration cleanupTimeout) {
        return new AsyncBlock<>(body, cleanupTimeout);
    }

    /** The class of the body, which names where the block was written (lambdas name their class). */
    public Class<?> bodyClass() {
        return body.getClass();
    }

    /** For a non-cancellable block, the bound on its cleanup (enforced by its body: see Weft.nonCancellable); else null. */
    public Duration cleanupTimeout() {
        return cleanupTimeout;
    }

    private boolean nonCancellable() {
        return cleanupTimeout != null;
    }

    @Override
    public Object poll(Context cx) {
        int s = state;
        if (s == DONE) {
            return outcome();
        }
        if (s == NEW && STATE.compareAndSet(this, NEW, RUNNING)) {
            start();
        } else {
            claimToResume();
        }
        return resume(cx, ThreadContext.current());
    }

    private void start() {
        if (!CONTINUATIONS_EXPORTED) {
            IllegalStateException e = new IllegalStateException(MISSING_EXPORT);
            settle(null, e);
            state = DONE;
            throw e;
        }
        home = Thread.currentThread();
        coroutine = Coroutines.create(this); // run() is the entry point: no lambda per block
        ThreadContext tc = ThreadContext.current();
        if (tc.task != null) {
            tc.task.continuationStarted();
        }
        leak = LeakDetector.track(this, body.getClass(), tc);
    }

    /** Moves a started block from IDLE to RUNNING, on its home thread; fails clearly otherwise. */
    private void claimToResume() {
        while (true) {
            int s = state;
            if (s == IDLE) {
                Thread me = Thread.currentThread();
                if (HOMING && home != me) {
                    throw new IllegalStateException("An async block started on thread '" + home.getName()
                            + "' was polled from thread '" + me.getName() + "'. A started block runs only on its"
                            + " home thread (DESIGN.md: homing); poll it from the task that started it, or spawn"
                            + " it and await its JoinHandle.");
                }
                if (STATE.compareAndSet(this, IDLE, RUNNING)) {
                    return;
                }
            } else if (s == DUMPING) {
                Thread.onSpinWait(); // a stack dump takes microseconds; it ends in IDLE
            } else if (s == DONE) {
                throw new IllegalStateException("internal: async block completed while being claimed");
            } else {
                throw new IllegalStateException("An async block was polled while it is already running ("
                        + (s == INLINE ? "awaited inline by another block" : "its body is on a stack now")
                        + "). A block has one owner: to share its output, spawn it and await the JoinHandle.");
            }
        }
    }

    /** Runs the continuation until it yields or ends; the caller holds the block in RUNNING. */
    private Object resume(Context cx, ThreadContext tc) {
        AsyncBlock<?> outerBlock = tc.block;
        Context outerContext = tc.blockContext;
        boolean outerInPoll = tc.inPoll;
        tc.block = this;
        tc.blockContext = cx;
        tc.inPoll = false;
        boolean ended;
        try {
            ended = Coroutines.run(coroutine);
        } finally {
            tc.block = outerBlock;
            tc.blockContext = outerContext;
            tc.inPoll = outerInPoll;
        }
        if (ended) {
            coroutine = null;
            if (leak != null) {
                leak.finish();
            }
            // settle() wrote the outcome inside the continuation; this release store publishes it (a
            // reader's volatile read of DONE sees it). Release, not volatile: no fence on this path.
            STATE.setRelease(this, DONE);
            return outcome();
        }
        STATE.setRelease(this, IDLE); // the frozen stack's writes happen before a resumer's claim
        return PENDING;
    }

    /** The continuation's entry point; not for callers (the block is its own Runnable to save an object). */
    @Override
    public void run() {
        Object value = null;
        Throwable thrown = null;
        try {
            // runBody() written out, to keep a frame off every suspended stack
            if (body instanceof AsyncBody<?> b) {
                value = b.run();
            } else {
                ((AsyncRunnable) body).run();
            }
        } catch (Throwable t) {
            thrown = t;
        }
        settle(value, thrown);
    }

    private Object runBody() throws Exception {
        if (body instanceof AsyncBody<?> b) {
            return b.run();
        }
        ((AsyncRunnable) body).run();
        return null;
    }

    /** Records the outcome; does not publish it (the caller's write of DONE does). */
    private void settle(Object value, Throwable thrown) {
        boolean cleanupFailed = thrown != null && !(thrown instanceof CancellationException);
        if (cancelled && !cleanupFailed) {
            // Cancelled: a swallowed cancellation's output is discarded.
            outcome = thrown instanceof CancellationException ? thrown : new Cancellation("async block cancelled");
            failed = true;
        } else if (thrown != null) {
            outcome = AsyncException.unchecked(thrown);
            failed = true;
        } else {
            outcome = value;
        }
    }

    @SuppressWarnings("unchecked")
    private T outcome() {
        if (failed) {
            throw AsyncException.rethrow((Throwable) outcome);
        }
        return (T) outcome;
    }

    // ---------------------------------------------------------------------------------------------
    // await

    /**
     * Awaits {@code f} in the async block running on this thread (the implementation of
     * {@link Future#await()}).
     *
     * <p>Everything from here to the yield is one method and one call into {@link Coroutines}: every
     * frame between the body and the yield is frozen into the heap with each suspended block, so the
     * path is kept flat (the checks that fail go through separate methods, which are not on the stack
     * at the yield).
     */
    public static <R> R await(Future<R> f) {
        ThreadContext tc = ThreadContext.current();
        AsyncBlock<?> self = tc.block;
        if (self == null || tc.inPoll) {
            throw misplacedAwait(self != null || tc.inPoll, tc.blockingPool);
        }
        if (self.mustThrowCancellation(f)) {
            throw cancelOnAwait(f);
        }
        if (f instanceof AsyncBlock<R> inner && inner.state == NEW && STATE.compareAndSet(inner, NEW, INLINE)) {
            return inner.runInline(self);
        }
        while (true) {
            Object r;
            tc.inPoll = true;
            try {
                r = f.poll(tc.blockContext);
            } finally {
                tc.inPoll = false;
            }
            if (r != PENDING) {
                @SuppressWarnings("unchecked")
                R output = (R) r;
                return output;
            }
            self.checkLocks(f, tc);
            String pinned = Coroutines.suspend(self.coroutine);
            if (pinned != null) {
                throw pinnedAwait(f, pinned);
            }
            if (!HOMING) {
                tc = ThreadContext.current(); // resumed on another thread (homing tests only)
            }
            if (self.cancelled && self.shield == 0) {
                throw cancelOnAwait(f);
            }
        }
    }

    /**
     * Throws what {@link #await} would throw here if this thread may not await now (outside an async
     * block, inside a poll, on a blocking-pool thread); for operations that must not start work they
     * could not await.
     */
    public static void checkAwaitAllowed() {
        ThreadContext tc = ThreadContext.current();
        if (tc.block == null || tc.inPoll) {
            throw misplacedAwait(tc.block != null || tc.inPoll, tc.blockingPool);
        }
    }

    private static IllegalStateException misplacedAwait(boolean insidePoll, boolean blockingPool) {
        if (blockingPool && !insidePoll) {
            return new IllegalStateException("await() was called on thread '" + Thread.currentThread().getName()
                    + "', a blocking-pool thread (the body of spawnBlocking or blockInPlace), which runs plain"
                    + " blocking code and cannot suspend. To wait for a future here, use"
                    + " Handle.current().blockOn(future); or do the async part in the task, before or after the"
                    + " blocking call.");
        }
        if (insidePoll) {
            return new IllegalStateException("await() was called while a poll() is in progress (inside a"
                    + " hand-written poll, or a map/flatMap function). Suspending there would leave the poll"
                    + " half done. In poll(), poll the inner future and return Future.PENDING; in a map"
                    + " function, use flatMap or an async block instead.");
        }
        return new IllegalStateException("await() was called outside an async block. Await inside"
                + " Weft.async(() -> ...) or a spawned task; from ordinary code, run the future with"
                + " Runtime.blockOn(future).");
    }

    private boolean mustThrowCancellation(Future<?> f) {
        return cancelled && shield == 0 && !(f instanceof AsyncBlock<?> b && b.nonCancellable());
    }

    /** Drops {@code f} and makes the exception the cancelled await throws. */
    private static CancellationException cancelOnAwait(Future<?> f) {
        Cancellation e = new Cancellation("async block cancelled");
        try {
            f.cancel();
        } catch (Throwable t) {
            e.addSuppressed(t); // a cleanup that failed while unwinding: reported, never swallowed
        }
        return e;
    }

    /** Runs this block's body on the awaiting block's stack; the caller claimed NEW -> INLINE. */
    private T runInline(AsyncBlock<?> awaiter) {
        boolean shielded = nonCancellable();
        if (shielded) {
            awaiter.shield++;
        }
        Object value = null;
        Throwable thrown = null;
        try {
            value = runBody();
        } catch (Throwable t) {
            thrown = t;
        } finally {
            if (shielded) {
                awaiter.shield--;
            }
        }
        settle(value, thrown);
        state = DONE;
        return outcome();
    }

    /** Fails the await if the lock detector finds a lock held across it (sampled; see LockDetector). */
    private void checkLocks(Future<?> f, ThreadContext tc) {
        String held = LockDetector.check(body.getClass(), tc);
        if (held != null) {
            cancelQuietly(f);
            throw new IllegalStateException(held);
        }
    }

    /** The error for an await whose yield the VM refused; drops {@code f}. */
    private static IllegalStateException pinnedAwait(Future<?> f, String pinned) {
        JfrEvents.PINNED_AWAITS.increment();
        JfrEvents.PinnedAwait event = new JfrEvents.PinnedAwait();
        if (event.shouldCommit()) {
            event.reason = pinned;
            event.commit();
        }
        cancelQuietly(f);
        return new IllegalStateException("await() cannot suspend this async block here: " + pinned
                + ". Move the await out of that code (for example, out of the static initializer).");
    }

    private static void cancelQuietly(Future<?> f) {
        try {
            f.cancel();
        } catch (RuntimeException ignored) {
            // The await is already failing with the more useful error; cancel is best-effort here.
        }
    }

    // ---------------------------------------------------------------------------------------------
    // cancel

    /**
     * Drops the block. A block that never started just ends. A suspended one is resumed once, here, to
     * unwind; it must be cancelled on its home thread. A non-cancellable block is not interrupted: the
     * current task adopts it and polls it to the end. If the unwinding throws something other than the
     * cancellation, that failure is thrown from here.
     */
    @Override
    public void cancel() {
        while (true) {
            int s = state;
            switch (s) {
                case NEW -> {
                    if (STATE.compareAndSet(this, NEW, DONE)) {
                        return;
                    }
                }
                case DONE -> {
                    return;
                }
                case INLINE, RUNNING -> {
                    // Its body is on a stack now (cancelled from inside itself): its next await throws.
                    if (!nonCancellable()) {
                        cancelled = true;
                    }
                    return;
                }
                case DUMPING -> Thread.onSpinWait();
                case IDLE -> {
                    cancelSuspended();
                    return;
                }
                default -> throw new IllegalStateException("internal: async block state " + s);
            }
        }
    }

    private void cancelSuspended() {
        ThreadContext tc = ThreadContext.current();
        if (nonCancellable()) {
            adopt(tc);
            return;
        }
        if (HOMING && home != Thread.currentThread()) {
            throw new IllegalStateException("A suspended async block must be cancelled on its home thread '"
                    + home.getName() + "', not on '" + Thread.currentThread().getName() + "'. Abort the task that"
                    + " owns it (JoinHandle.abort()), which cancels it there.");
        }
        cancelled = true;
        claimToResume();
        Context context = tc.task != null ? tc.task.context() : NO_TASK_CONTEXT;
        try {
            resume(context, tc);
        } catch (CancellationException expected) {
            return;
        }
        if (state != DONE) {
            adopt(tc); // suspended in a non-cancellable cleanup: someone must poll it to the end
        }
    }

    private void adopt(ThreadContext tc) {
        if (tc.task != null) {
            tc.task.adoptUnwinding(this);
        } else {
            System.getLogger(LeakDetector.LOGGER).log(System.Logger.Level.WARNING, "An async block (body "
                    + bodyClass().getName() + ") was cancelled while its cleanup was suspended, outside any"
                    + " task: nothing will poll it, so its cleanup will not finish.");
        }
    }

    /**
     * The stack of this block while it is suspended, or null if it is not suspended now (never started,
     * running, or done). Safe from any thread: the block is claimed for the read.
     */
    public StackTraceElement[] suspendedStack() {
        if (!STATE.compareAndSet(this, IDLE, DUMPING)) {
            return null;
        }
        try {
            return Coroutines.stackTrace(coroutine);
        } finally {
            state = IDLE;
        }
    }

    /** Whether the body has ended (with an output, a failure, or by cancellation). */
    public boolean isDone() {
        return state == DONE;
    }

    @Override
    public String toString() {
        return "AsyncBlock[" + bodyClass().getName() + ", " + switch (state) {
            case NEW -> "new";
            case INLINE -> "running inline";
            case RUNNING -> "running";
            case IDLE -> "suspended";
            case DUMPING -> "suspended (being dumped)";
            default -> "done";
        } + "]";
    }
}
