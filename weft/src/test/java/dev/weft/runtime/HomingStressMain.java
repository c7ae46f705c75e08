package dev.weft.runtime;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.Weft;
import dev.weft.internal.AsyncBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The homing stress (DESIGN.md section 2, "Migration and {@code Thread.currentThread()}"): many tasks on a
 * two-worker runtime, each awaiting, thousands of times, a future that a plain thread outside the runtime
 * completes, and using {@code Thread.currentThread()}, a {@code ThreadLocal} and a {@code ReentrantLock}
 * strictly between awaits. Run by {@link HomingStressTest}: in a forked JVM under C2 (where the hazard
 * lives) and, small, in process.
 *
 * <h2>What is checked, and how a real problem shows</h2>
 * Every await goes through {@link #crossAwait}, the method that C2 must compile (the test finds it in
 * {@code -XX:+PrintCompilation}). It reads {@code Thread.currentThread()} before the await and again
 * after it, and then uses the thread-local and the lock. Inside one compiled frame C2 treats
 * {@code currentThread()} as fixed, so if a block resumed on another worker, the reads after the await,
 * including the ones inlined from {@code ThreadLocal.get} and the lock, would see the old thread. The
 * real carrier is read through {@link #realThread}, which the fork keeps out of line
 * ({@code -XX:CompileCommand=dontinline}), so it is evaluated afresh on the thread that runs it.
 * Anomalies, each counted:
 * <ul>
 *   <li>{@code migrations}: the real thread after an await differs from the one before it;</li>
 *   <li>{@code seenChanged}: {@code Thread.currentThread()} differs before and after an await;</li>
 *   <li>{@code staleCurrentThread}: {@code Thread.currentThread()} after an await is not the real thread;</li>
 *   <li>{@code tlForeign}: the thread-local returned a value that belongs to another thread;
 *       {@code tlLost}: increments of the per-thread counters were lost (two threads used one map);</li>
 *   <li>{@code lockNotHeld}: {@code isHeldByCurrentThread()} false right after acquiring;
 *       {@code lockOwnerWrong}: the lock's owner is not the real thread; {@code lockOverlap}: two tasks
 *       inside the (one, shared) lock at once; {@code lockLost}: updates made under the lock were lost;
 *       {@code imse}: {@code unlock} threw {@code IllegalMonitorStateException}; {@code lockTimeouts}:
 *       a lock that nobody holds for more than microseconds could not be had in half a second;</li>
 *   <li>{@code taskFailures}: a task threw; {@code stuck}: a task had not finished at the deadline.</li>
 * </ul>
 * With homing all of them must be zero. {@code hazards} is the sum minus the two plain migration
 * counts: the breakage migration causes once the body is compiled.
 *
 * <p>Output: a line {@value #MEASURED_MARKER} after the warm-up (the test checks that C2 compiled
 * {@code crossAwait} before it), the number of tasks the workers homed, and last a line with
 * {@value #RESULT_PREFIX} and every count, warm-up and measured run together. The VM's
 * {@code -XX:+PrintCompilation} lines go to the same stdout in several writes, so one of these lines
 * may start in the middle of a compilation line: look for them with {@code contains}.
 * Exit code 0 when the run finished (whatever the counts), 3 if tasks were still stuck at the
 * deadline, 1 on an error of the harness itself.
 */
public final class HomingStressMain {
    static final String RESULT_PREFIX = "HOMING_STRESS_RESULT";
    static final String MEASURED_MARKER = "HOMING_STRESS_MEASURED_START";
    static final String HOMED_PREFIX = "HOMING_STRESS_HOMED ";
    /** The method C2 must compile before the measured phase; the test looks for it by this name. */
    static final String HOT_METHOD = "crossAwait";

    private static final long LOCK_TIMEOUT_MS = 500;
    /** Lock timeouts (per {@link Shared}) after which the tasks stop taking the broken lock, rather than crawl. */
    private static final int MAX_LOCK_TIMEOUTS = 8;

    /** Sizes of one run. */
    record Config(int tasks, int rounds, int wakers, long deadlineSeconds) {
    }

    /** The counts of one run. */
    record Result(boolean homing, long wakes, long suspended, long elapsedMs, long migrations, long seenChanged,
            long staleCurrentThread, long tlForeign, long tlLost, long lockNotHeld, long lockOwnerWrong,
            long lockOverlap, long lockLost, long imse, long lockTimeouts, long taskFailures, long stuck,
            long tasksMoved, String firstFailure) {

        long anomalies() {
            return migrations + seenChanged + hazards();
        }

        /** The anomalies other than the migrations themselves: what a resumed, compiled body got wrong. */
        long hazards() {
            return staleCurrentThread + tlForeign + tlLost + lockNotHeld + lockOwnerWrong + lockOverlap + lockLost
                    + imse + lockTimeouts + taskFailures + stuck;
        }

        Result plus(Result o) {
            return new Result(homing, wakes + o.wakes, suspended + o.suspended, elapsedMs + o.elapsedMs,
                    migrations + o.migrations, seenChanged + o.seenChanged, staleCurrentThread + o.staleCurrentThread,
                    tlForeign + o.tlForeign, tlLost + o.tlLost, lockNotHeld + o.lockNotHeld,
                    lockOwnerWrong + o.lockOwnerWrong, lockOverlap + o.lockOverlap, lockLost + o.lockLost,
                    imse + o.imse, lockTimeouts + o.lockTimeouts, taskFailures + o.taskFailures, stuck + o.stuck,
                    tasksMoved + o.tasksMoved, firstFailure != null ? firstFailure : o.firstFailure);
        }

        String line() {
            return String.format(Locale.ROOT, "homing=%s anomalies=%d hazards=%d wakes=%d suspended=%d"
                            + " elapsedMs=%d migrations=%d seenChanged=%d staleCurrentThread=%d tlForeign=%d"
                            + " tlLost=%d lockNotHeld=%d lockOwnerWrong=%d lockOverlap=%d lockLost=%d imse=%d"
                            + " lockTimeouts=%d taskFailures=%d stuck=%d tasksMoved=%d",
                    homing, anomalies(), hazards(), wakes, suspended, elapsedMs, migrations,
                    seenChanged, staleCurrentThread, tlForeign, tlLost, lockNotHeld, lockOwnerWrong, lockOverlap,
                    lockLost, imse, lockTimeouts, taskFailures, stuck, tasksMoved);
        }
    }

    /** Usage: {@code HomingStressMain [tasks rounds wakers warmupRounds deadlineSeconds]}. */
    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        int wakers = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int warmupRounds = args.length > 3 ? Integer.parseInt(args[3]) : 300;
        long deadline = args.length > 4 ? Long.parseLong(args[4]) : 60;
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("homing").build()) {
            // Warm-up: enough calls of crossAwait for C2 (CompileThreshold=500), then let the compiler finish.
            // One thread-local and one lock for both runs, so the measured run starts with its first
            // use already compiled (a new thread-local's first lookup would deoptimize crossAwait).
            Shared sh = new Shared();
            List<WorkerInfo> before = rt.handle().workers();
            Result warm = run(rt, sh, new Config(tasks, warmupRounds, wakers, deadline));
            List<WorkerInfo> afterWarmup = rt.handle().workers();
            System.out.println("HOMING_STRESS placement warm-up: " + placement(before, afterWarmup));
            System.out.println("HOMING_STRESS_WARMUP_COUNTS " + warm.line());
            Thread.sleep(500);
            System.out.println(MEASURED_MARKER);
            Result measured = run(rt, sh, new Config(tasks, rounds, wakers, deadline));
            System.out.println("HOMING_STRESS placement measured: " + placement(afterWarmup, rt.handle().workers()));
            Result total = warm.plus(measured);
            long homed = rt.handle().workers().stream().mapToLong(WorkerInfo::homed).sum();
            System.out.println("HOMING_STRESS_MEASURED_COUNTS " + measured.line());
            System.out.println("HOMING_STRESS workers: " + rt.handle().workers());
            System.out.println(HOMED_PREFIX + homed);
            if (total.firstFailure() != null) {
                System.out.println("HOMING_STRESS first failure: " + total.firstFailure());
            }
            System.out.println(RESULT_PREFIX + " " + total.line());
            System.out.flush();
            if (total.stuck() > 0) {
                java.lang.Runtime.getRuntime().halt(3); // stuck tasks may hold the runtime's close forever
            }
        }
        System.exit(0);
    }

    /** Tasks homed and polls made by each worker between two snapshots: how the tasks were spread. */
    private static String placement(List<WorkerInfo> from, List<WorkerInfo> to) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < to.size(); i++) {
            WorkerInfo f = from.get(i);
            WorkerInfo t = to.get(i);
            b.append(i == 0 ? "" : ", ").append(t.thread()).append(": homed=").append(t.homed() - f.homed())
                    .append(" polls=").append(t.polls() - f.polls()).append(" steals=").append(t.steals() - f.steals());
        }
        return b.toString();
    }

    // ---------------------------------------------------------------------------------------------
    // The run

    /** Runs {@code config.tasks()} tasks of {@code config.rounds()} cross-thread awaits each on {@code rt}. */
    static Result run(Runtime rt, Config config) throws InterruptedException {
        return run(rt, new Shared(), config);
    }

    /** As {@link #run(Runtime, Config)}, with the thread-local and the lock of an earlier run. */
    static Result run(Runtime rt, Shared sh, Config config) throws InterruptedException {
        long tlSumBefore = sh.counterSum();
        long guardedBefore = sh.guarded;
        WakerPool pool = new WakerPool(config.wakers());
        CountDownLatch done = new CountDownLatch(config.tasks());
        List<TaskState> states = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int t = 0; t < config.tasks(); t++) {
                TaskState s = new TaskState();
                states.add(s);
                rt.spawn(Weft.async(() -> {
                    try {
                        runTask(sh, s, pool, config.rounds());
                    } catch (Throwable e) {
                        s.failure = e;
                    } finally {
                        s.finished = true;
                        done.countDown();
                    }
                }));
            }
            done.await(config.deadlineSeconds(), TimeUnit.SECONDS);
        } finally {
            pool.close();
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        long migrations = 0, seenChanged = 0, stale = 0, tlForeign = 0, notHeld = 0, ownerWrong = 0, overlap = 0;
        long imse = 0, timeouts = 0, failures = 0, stuck = 0, moved = 0, wakes = 0, acquired = 0;
        String firstFailure = null;
        for (TaskState s : states) {
            if (!s.finished) {
                stuck++;
                continue;
            }
            migrations += s.migrations;
            seenChanged += s.seenChanged;
            stale += s.staleCurrentThread;
            tlForeign += s.tlForeign;
            notHeld += s.lockNotHeld;
            ownerWrong += s.lockOwnerWrong;
            overlap += s.lockOverlap;
            imse += s.imse;
            timeouts += s.lockTimeouts;
            acquired += s.lockAcquired;
            wakes += s.rounds;
            moved += s.leftHome > 0 ? 1 : 0;
            if (s.failure != null) {
                failures++;
                if (firstFailure == null) {
                    firstFailure = describe(s.failure);
                }
            }
        }
        long tlLost = stuck == 0 ? Math.abs(wakes - (sh.counterSum() - tlSumBefore)) : 0;
        long lockLost = stuck == 0 ? Math.abs(acquired - (sh.guarded - guardedBefore)) : 0;
        return new Result(AsyncBlock.homingEnabled(), wakes, pool.suspended(), elapsedMs, migrations, seenChanged,
                stale, tlForeign, tlLost, notHeld, ownerWrong, overlap, lockLost, imse, timeouts, failures, stuck,
                moved, firstFailure);
    }

    private static String describe(Throwable t) {
        StringBuilder b = new StringBuilder(t.toString());
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(8, st.length); i++) {
            b.append(" | at ").append(st[i]);
        }
        return b.toString();
    }

    /** A task's body: the loop of awaits. Long-running, so C2 compiles it on stack replacement too. */
    static void runTask(Shared sh, TaskState s, WakerPool pool, int rounds) {
        s.home = realThread(); // where the first poll runs it: with homing, where it stays
        for (int i = 0; i < rounds; i++) {
            crossAwait(sh, s, new Signal(pool));
        }
    }

    /**
     * One await of a future completed by a thread outside the runtime, with {@code currentThread()},
     * the thread-local and the lock used between awaits. Called hundreds of thousands of times: C2
     * compiles it, and it is the compiled frame that resumes after the await.
     */
    static void crossAwait(Shared sh, TaskState s, Signal signal) {
        Thread seenBefore = Thread.currentThread();
        Thread realBefore = realThread();

        signal.await();

        Thread seenAfter = Thread.currentThread();
        Thread realAfter = realThread();
        s.rounds++;
        if (realAfter != realBefore) {
            s.migrations++;
        }
        if (seenAfter != seenBefore) {
            s.seenChanged++;
        }
        if (seenAfter != realAfter) {
            s.staleCurrentThread++;
        }
        if (realAfter != s.home) {
            s.leftHome++;
        }

        // A thread-local counter, between awaits: the value must be this thread's own.
        Counter c = sh.counter.get();
        if (c.owner != realAfter) {
            s.tlForeign++;
        }
        c.n++;

        // A lock shared by every task, held only between awaits. tryLock with a timeout rather than
        // lock(): a lock that migration broke (owned for ever by a thread nobody runs it on) must not
        // hang the run.
        if (sh.lockTimeouts.get() >= MAX_LOCK_TIMEOUTS) {
            return;
        }
        boolean locked;
        try {
            locked = sh.lock.tryLock(LOCK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.interrupted();
            locked = false;
        }
        if (!locked) {
            sh.lockTimeouts.incrementAndGet();
            s.lockTimeouts++;
            return;
        }
        try {
            s.lockAcquired++;
            if (!sh.lock.isHeldByCurrentThread()) {
                s.lockNotHeld++;
            }
            if (sh.lock.owner() != realAfter) {
                s.lockOwnerWrong++;
            }
            if (sh.inside.getAndIncrement() != 0) {
                s.lockOverlap++;
            }
            sh.guarded++; // a plain write that the lock alone protects
            sh.inside.getAndDecrement();
        } finally {
            try {
                sh.lock.unlock();
            } catch (IllegalMonitorStateException e) {
                s.imse++;
            }
        }
    }

    /**
     * The thread this code really runs on. The fork keeps it out of line, so each call evaluates
     * {@code currentThread()} in its own frame, on the thread that runs it.
     */
    static Thread realThread() {
        return Thread.currentThread();
    }

    // ---------------------------------------------------------------------------------------------
    // The parts

    /** What every task of a run shares. */
    static final class Shared {
        final OwnedLock lock = new OwnedLock();
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger lockTimeouts = new AtomicInteger();
        long guarded;
        final ConcurrentLinkedQueue<Counter> counters = new ConcurrentLinkedQueue<>();
        final ThreadLocal<Counter> counter = ThreadLocal.withInitial(() -> {
            Counter c = new Counter(realThread());
            counters.add(c);
            return c;
        });

        /** The sum of every thread's counter; read when no task runs. */
        long counterSum() {
            long sum = 0;
            for (Counter c : counters) {
                sum += c.n;
            }
            return sum;
        }
    }

    /** A task's own counts; touched only by the task while it runs (the scheduler orders its polls). */
    static final class TaskState {
        long rounds, migrations, seenChanged, staleCurrentThread, tlForeign;
        long lockAcquired, lockNotHeld, lockOwnerWrong, lockOverlap, imse, lockTimeouts, leftHome;
        Thread home;
        Throwable failure;
        volatile boolean finished;
    }

    /** A thread-local's value, which knows the thread it was made for. */
    static final class Counter {
        final Thread owner;
        long n;

        Counter(Thread owner) {
            this.owner = owner;
        }
    }

    /** A {@code ReentrantLock} that tells who holds it. */
    static final class OwnedLock extends ReentrantLock {
        Thread owner() {
            return getOwner();
        }
    }

    /**
     * A one-shot future that a {@link WakerPool} thread completes: on its first pending poll it hands
     * itself to the pool, so the wake always comes from a thread outside the runtime.
     */
    static final class Signal implements Future<Void> {
        private final WakerPool pool;
        private volatile boolean done;
        private volatile Waker waker;
        private int polls;

        Signal(WakerPool pool) {
            this.pool = pool;
        }

        @Override
        public Object poll(Context cx) {
            if (done) {
                return null;
            }
            waker = cx.waker();
            if (polls++ == 0) {
                pool.submit(this);
            }
            return done ? null : PENDING; // done is read after the waker is published: no lost wake
        }

        /** Called by a waker thread. */
        void complete() {
            done = true;
            Waker w = waker;
            if (w != null) {
                w.wake();
            }
        }

        @Override
        public void cancel() {
            waker = null;
        }
    }

    /** Plain threads, outside the runtime, that complete the signals handed to them. */
    static final class WakerPool implements AutoCloseable {
        private static final Signal STOP = new Signal(null);
        private final LinkedBlockingQueue<Signal> queue = new LinkedBlockingQueue<>();
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicInteger submitted = new AtomicInteger();

        WakerPool(int n) {
            for (int i = 0; i < n; i++) {
                Thread t = Thread.ofPlatform().daemon().name("homing-waker-" + i).start(this::loop);
                threads.add(t);
            }
        }

        void submit(Signal s) {
            submitted.incrementAndGet();
            queue.add(s);
        }

        /** How many awaits found their signal pending (and so suspended, to be woken from outside). */
        long suspended() {
            return submitted.get();
        }

        private void loop() {
            try {
                while (true) {
                    Signal s = queue.take();
                    if (s == STOP) {
                        return;
                    }
                    s.complete();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            for (int i = 0; i < threads.size(); i++) {
                queue.add(STOP);
            }
            for (Thread t : threads) {
                t.join(5_000);
            }
        }
    }

    private HomingStressMain() {
    }
}
