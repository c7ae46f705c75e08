package dev.weft.runtime;

import dev.weft.internal.Park;
import dev.weft.internal.ThreadContext;
import dev.weft.internal.WeftThread;
import dev.weft.io.IoDriver;
import dev.weft.io.Reactor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The multi-thread work-stealing scheduler (DESIGN.md section 3): N {@link Worker}s, each with its own
 * queues, a global inject queue for work from outside, stealing of half a victim's ring, and homing.
 *
 * <h2>Placement</h2>
 * <ul>
 *   <li><b>Wake on a worker</b> of a task homed there, or not homed at all: the worker's LIFO slot.</li>
 *   <li><b>Wake of a homed task anywhere else</b>: its home worker's mailbox, and that worker is
 *       unparked. A homed task is never in a ring, so it is never stolen.</li>
 *   <li><b>Wake from outside</b> of a task not homed: the inject queue, and an idle worker is
 *       unparked.</li>
 *   <li><b>Spawn from outside</b>: an idle worker's mailbox, else the less loaded of two random
 *       workers', chosen per run of {@value #PLACEMENT_RUN} spawns.</li>
 *   <li><b>Spawn on a worker</b>: if this worker's LIFO slot is empty, there (a chain of tasks, each
 *       spawning the next, stays on one worker and wakes nobody); but if the spawner is still alive when
 *       its poll ends (an accept loop), the new task goes to whichever of this worker and a random
 *       other has the smaller {@linkplain Worker#weight weight}, since its first poll homes it for
 *       good. Otherwise (a burst), because a task's first continuation homes it, placement is the load
 *       balancing: this worker or a random other, whichever has the smaller weight (two choices),
 *       chosen per run of {@value #PLACEMENT_RUN} spawns. A task spawned on a worker stays out of the
 *       stealable rings until its first poll ({@code Task.placed}).</li>
 *   <li><b>A yield</b> (woken while it ran): the back of its worker's queue, never the LIFO slot.</li>
 * </ul>
 *
 * <h2>Idle workers</h2>
 * A worker out of local work searches (steals) only while fewer than half the workers search, then
 * announces itself idle ({@link #addIdle}), checks every queue once more, and parks. Whoever makes work
 * stealable or injects it calls {@link #notifyParked}, which wakes one idle worker if no worker is
 * searching. The announcement and the re-check are both sequentially consistent (volatile), so a push
 * that raced with a worker going idle is seen by one side or the other.
 *
 * <h2>Parking and the driver</h2>
 * Every worker has its own I/O driver (a selector: {@link Reactor}) and parks in it. One idle worker at
 * a time also holds the shared time driver, and parks through it, with the next timer's deadline as
 * its select timeout. Every worker polls its I/O driver, and the time driver if it is free, with a zero
 * timeout every {@value #MAINTENANCE_INTERVAL} polls. With a test's fake driver instead of I/O, one
 * idle worker parks in that driver and the others on their own {@link ThreadPark}. A worker that
 * runs out of work first lets a paused clock auto-advance if the runtime is idle ({@link #isIdle()}).
 */
final class MultiThreadScheduler implements Scheduler {
    /** Polls between looks at remote queues and the driver; a prime, as Tokio's 61. */
    static final int MAINTENANCE_INTERVAL = 61;

    /**
     * How many consecutive spawns of a burst go to the same worker before placement chooses again.
     * Tasks spawned one after another by one thread lie next to each other in memory; sent to
     * different workers one by one, neighbours on one cache line were polled by two cores, and
     * {@code yield_many} ran at 100 or at 250 ns per yield depending on the run (false sharing). In
     * runs of 8 only the ends of a run can share a line.
     */
    static final int PLACEMENT_RUN = 8;

    final Worker[] workers;
    final TaskQueue inject = new TaskQueue();
    final Park driver;
    /** The layer under the time driver when workers have I/O drivers: the holder's own; else null. */
    private final HolderIo holderIo;
    Handle handle;

    private final ReentrantLock driverLock = new ReentrantLock();
    private final AtomicInteger searching = new AtomicInteger();
    /** Idle workers spinning before they park (see {@link #tryStartSpin}). */
    private final AtomicInteger spinning = new AtomicInteger();
    /** Threads in {@code blockOn}, running their future or waiting for it; see {@link RootSchedule}. */
    private final RootSchedule.RootCounts roots = new RootSchedule.RootCounts();
    private final Object idleLock = new Object();
    private final Worker[] idle;
    private volatile int idleCount;
    /**
     * Bumped (under {@link #idleLock}) whenever a worker joins or leaves the idle set, so the idle
     * probe can tell that its scan raced with a worker waking up: a worker leaves the set before it
     * takes the work that woke it, and the scan may otherwise see it idle first and its queue already
     * empty after.
     */
    private volatile int idleEpoch;
    private volatile boolean stopped;
    /** The current run of spawns from outside: where they go, and how many more. Racy by design. */
    private Worker outsideRunTarget;
    private int outsideRunLeft;
    private final String threadPrefix;
    private final long stackSize;

    /**
     * @param driver the shared driver one idle worker at a time parks in (the time driver), or null
     * @param reactor the workers' I/O drivers, one each, or null (a test's driver)
     * @param holderIo what {@code driver} parks in when {@code reactor} is given (its bottom layer)
     */
    MultiThreadScheduler(int workerCount, String threadPrefix, long stackSize, Park driver, Reactor reactor,
            HolderIo holderIo) {
        this.workers = new Worker[workerCount];
        this.idle = new Worker[workerCount];
        for (int i = 0; i < workerCount; i++) {
            workers[i] = new Worker(i, this, reactor != null ? reactor.driver(i) : null);
        }
        this.threadPrefix = threadPrefix;
        this.stackSize = stackSize;
        this.driver = driver;
        this.holderIo = holderIo;
    }

    /**
     * The bottom of the time driver's park stack when every worker has its own I/O driver: the I/O
     * driver of the worker that holds the time driver now. The worker sets it after taking the driver
     * lock and before parking, so a timer's unpark finds the right selector (a stale one after the
     * holder left costs a spurious wake-up, nothing more).
     */
    static final class HolderIo implements Park {
        private volatile IoDriver holder;

        @Override
        public boolean park(long nanos) {
            return holder.park(nanos);
        }

        @Override
        public void unpark() {
            IoDriver h = holder;
            if (h != null) {
                h.unpark();
            }
        }
    }

    /** The watchdog, or null when blocking detection is off. */
    BlockingDetector detector;

    void start(Handle handle, BlockingDetector detector) {
        this.handle = handle;
        this.detector = detector;
        for (Worker w : workers) {
            Thread t = new WorkerThread(w, threadPrefix + "-worker-" + w.index, stackSize);
            t.setDaemon(true);
            w.thread = t;
        }
        for (Worker w : workers) {
            w.thread.start();
        }
        if (detector != null) {
            Thread watchdog = new Thread(detector, threadPrefix + "-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }
    }

    /**
     * The worker running on the calling thread, if it is one of this runtime's. Homing is what makes
     * {@code Thread.currentThread()} trustworthy here, even when called from a compiled block body.
     */
    private Worker currentWorker() {
        return Thread.currentThread() instanceof WorkerThread wt && wt.worker.scheduler == this ? wt.worker : null;
    }

    /** A worker's thread, so the scheduler can find its worker without a thread-local. */
    private static final class WorkerThread extends WeftThread {
        final Worker worker;

        WorkerThread(Worker worker, String name, long stackSize) {
            super(worker, name, stackSize);
            this.worker = worker;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Placement

    @Override
    public void schedule(Task<?> task) {
        requeue(task, false);
    }

    @Override
    public void scheduleBack(Task<?> task) {
        requeue(task, true);
    }

    /**
     * A homed task goes home (run next there, or to its mailbox from elsewhere); another runs on this
     * worker, or goes to the inject queue from outside. {@code yielded} puts it behind other work
     * instead of in the LIFO slot.
     */
    private void requeue(Task<?> task, boolean yielded) {
        Worker here = currentWorker();
        Worker target = task.isHomed() ? (Worker) task.home : here;
        if (target == null) {
            inject.push(task);
            notifyParked();
        } else if (target != here) {
            target.sendToMailbox(task);
        } else if (yielded) {
            here.scheduleYield(task);
        } else {
            here.scheduleLocalNext(task);
        }
    }

    @Override
    public void spawn(Task<?> task) {
        Worker here = currentWorker();
        if (here == null) {
            // From outside: choose the worker now. Through the shared queue, a burst of short first
            // polls was all taken (and so homed) by whichever worker woke first. Choices are made per
            // run of PLACEMENT_RUN spawns (racy fields: a run may come out a little longer or shorter).
            Worker target = outsideRunTarget;
            if (target == null || --outsideRunLeft <= 0) {
                target = takeIdle();
                if (target == null) {
                    target = lessLoadedOfTwo();
                }
                outsideRunTarget = target;
                outsideRunLeft = PLACEMENT_RUN;
            }
            target.sendToMailbox(task);
            return;
        }
        // From a worker with an empty LIFO slot: run it next here. This is the chain case (a task that
        // spawns its successor and ends), which then stays on this worker and wakes nobody; sending it
        // to an idle worker made every link wait for a thread to unpark (23 µs per link, not 0.2 µs).
        if (here.lifoIsEmpty()) {
            here.placeLocally(task);
            here.scheduleLocalNext(task);
            here.spawnedIntoLifo(task);
            return;
        }
        // A burst: balance now, because the first poll homes a task where it runs. Stealing alone is
        // too late: while an idle worker takes milliseconds to wake, this one polls (and homes) the
        // burst itself (measured: 42/22 splits of 64 CPU-bound tasks in 23 of 100 runs). Two choices
        // by weight (Worker#weight: live homed tasks plus placed ones not yet started), not by queue
        // length or idleness: inside one poll the spawner's worker cannot run its share, so its queue
        // looked long and the other's short, and an accept loop taking 50 connections at once sent
        // up to 49 of them to one side.
        Worker target = here.burstTarget();
        if (target == null) {
            int n = workers.length;
            Worker other = n > 1 ? workers[(here.index + 1 + ThreadLocalRandom.current().nextInt(n - 1)) % n] : here;
            target = other.weight() < here.weight() ? other : here;
            here.startBurstRun(target, PLACEMENT_RUN);
        }
        if (target == here) {
            here.placeLocally(task);
            here.scheduleLocalNext(task);
        } else {
            task.placed = true;
            target.sendToMailbox(task);
        }
    }

    private Worker lessLoadedOfTwo() {
        int n = workers.length;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Worker a = workers[random.nextInt(n)];
        Worker b = workers[random.nextInt(n)];
        return a.load() <= b.load() ? a : b;
    }

    @Override
    public Object homeHere(Task<?> task) {
        Worker here = currentWorker();
        return here != null ? here.homeHere() : null;
    }

    // ---------------------------------------------------------------------------------------------
    // Idle workers and searching

    /**
     * Whether an idle worker may spin before it parks: while fewer than half of the workers (at least
     * one) spin. Each spinning worker burns a core; on a machine shared with the other end of the
     * connections (a load generator, a database), every worker spinning took the CPU that the other end
     * needed (mini-redis under redis-benchmark on 2 cores: docs/perf.md §9).
     */
    boolean tryStartSpin() {
        int limit = Math.max(1, workers.length / 2);
        while (true) {
            int s = spinning.get();
            if (s >= limit) {
                return false;
            }
            if (spinning.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    void endSpin() {
        spinning.decrementAndGet();
    }

    /** Starts a search if fewer than half of the workers are searching. */
    boolean tryStartSearching() {
        while (true) {
            int s = searching.get();
            if (2 * s >= workers.length && s > 0) {
                return false;
            }
            if (searching.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Ends a search; the last searcher to find work wakes another worker to keep the search going. */
    void stopSearching(boolean foundWork) {
        int left = searching.decrementAndGet();
        if (foundWork && left == 0) {
            notifyParked();
        }
    }

    /** Wakes one idle worker, unless a worker is searching already (it will find the work). */
    void notifyParked() {
        if (idleCount == 0 || searching.get() > 0) {
            return;
        }
        Worker w = takeIdle();
        if (w != null) {
            w.unpark();
        }
    }

    void addIdle(Worker w) {
        synchronized (idleLock) {
            for (int i = 0; i < idleCount; i++) {
                if (idle[i] == w) {
                    return;
                }
            }
            idle[idleCount] = w;
            idleCount = idleCount + 1;
            idleEpoch = idleEpoch + 1;
        }
    }

    void removeIdle(Worker w) {
        synchronized (idleLock) {
            for (int i = 0; i < idleCount; i++) {
                if (idle[i] == w) {
                    idle[i] = idle[idleCount - 1];
                    idle[idleCount - 1] = null;
                    idleCount = idleCount - 1;
                    idleEpoch = idleEpoch + 1;
                    return;
                }
            }
        }
    }

    private Worker takeIdle() {
        if (idleCount == 0) {
            return null;
        }
        synchronized (idleLock) {
            if (idleCount == 0) {
                return null;
            }
            int last = idleCount - 1;
            Worker w = idle[last];
            idle[last] = null;
            idleCount = last;
            idleEpoch = idleEpoch + 1;
            return w;
        }
    }

    /**
     * Takes a task from the inject queue; if more are left, wakes another idle worker for them, so a
     * burst from outside spreads over the workers instead of waiting for this one.
     */
    Task<?> takeInjected() {
        Task<?> t = inject.pop();
        if (t != null && !inject.isEmpty()) {
            notifyParked();
        }
        return t;
    }

    /**
     * Idle for auto-advance: every worker waits for work, no task is queued, and some thread waits in
     * {@code blockOn} while none runs its future there. The last condition mirrors the current-thread
     * runtime, where time moves only inside {@code blockOn}: with nobody waiting on the runtime, a
     * test thread between {@code spawn} and {@code blockOn} would race with the jump.
     */
    @Override
    public boolean isIdle() {
        int epoch = idleEpoch;
        if (idleCount != workers.length || roots.active.get() != 0 || roots.waiting.get() == 0
                || !inject.isEmpty()) {
            return false;
        }
        for (Worker w : workers) {
            if (w.hasQueuedWork()) {
                return false;
            }
        }
        return idleEpoch == epoch; // no worker woke up (or went idle) during the scan
    }

    /** How many threads wait in {@code blockOn} now (racy). */
    int waitingRoots() {
        return roots.waiting.get();
    }

    /** How many workers are waiting for work now (racy). */
    int idleWorkers() {
        return idleCount;
    }

    /** For a worker out of work: lets a paused clock jump to the next timer if the runtime is idle. */
    boolean autoAdvanceIfIdle() {
        return handle.time.autoAdvanceIfIdle();
    }

    boolean anyRingHasWork() {
        for (Worker w : workers) {
            if (!w.ring.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------
    // The driver

    /** Takes the shared driver for {@code own}'s worker, which parks in it next; false if it is taken. */
    boolean tryLockDriver(IoDriver own) {
        if (!driverLock.tryLock()) {
            return false;
        }
        if (holderIo != null) {
            holderIo.holder = own;
        }
        return true;
    }

    void unlockDriver() {
        driverLock.unlock();
    }

    /**
     * Lets the shared driver process events without waiting, if no other worker holds it, and
     * {@code own}, the calling worker's I/O driver (under the shared one, or alone).
     */
    void pollDriver(IoDriver own) {
        if (driver != null && tryLockDriver(own)) {
            try {
                driver.park(0);
            } finally {
                driverLock.unlock();
            }
        } else if (own != null) {
            own.park(0);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Entering, stopping, observing

    @Override
    public void blockOn(Task<?> root) {
        RootSchedule own = new RootSchedule(roots, handle.time);
        root.schedule = own;
        ThreadContext tc = ThreadContext.current();
        Object outer = tc.runtime;
        tc.runtime = handle;
        try {
            own.drive(root, tc);
        } finally {
            tc.runtime = outer;
        }
    }

    @Override
    public void drainForShutdown(Duration deadline) {
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        handle.registry.awaitEmpty(deadlineNanos);
        stop(deadlineNanos);
    }

    /** Stops the workers (they finish the poll in progress) and waits for them until the deadline. */
    void stop(long deadlineNanos) {
        stopped = true;
        for (Worker w : workers) {
            w.unpark();
        }
        for (Worker w : workers) {
            long left = Math.max(1, deadlineNanos - System.nanoTime());
            try {
                w.thread.join(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    boolean isStopped() {
        return stopped;
    }

    @Override
    public void shutdownComplete() {
        stopped = true; // every task has ended: the workers may go
        for (Worker w : workers) {
            w.unpark();
        }
    }

    @Override
    public boolean isRuntimeThread() {
        return ThreadContext.current().runtime == handle;
    }

    @Override
    public void checkCloseAllowed() {
        // Any thread that is not running this runtime's tasks may close it.
    }

    @Override
    public List<WorkerInfo> workers() {
        List<WorkerInfo> infos = new ArrayList<>(workers.length);
        for (Worker w : workers) {
            infos.add(w.info());
        }
        return infos;
    }
}
