package dev.weft.runtime;

import dev.weft.internal.CacheLinePadding;
import dev.weft.internal.Park;
import dev.weft.internal.ThreadContext;
import dev.weft.io.IoDriver;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One worker thread of a multi-thread runtime, and its queues.
 *
 * <h2>Queues</h2>
 * <ul>
 *   <li>{@link #lifo}: the task woken last by a task on this worker (or spawned here while every
 *       worker is busy); run next, for locality, at most {@value #MAX_LIFO_POLLS} times in a row.
 *       Owner only.</li>
 *   <li>{@link #ring}: tasks that have not started a continuation; other workers steal half of it when
 *       they run dry. Owner pushes and pops; thieves steal.</li>
 *   <li>{@link #homeLocal}: homed tasks woken or yielding on this worker. Never stolen. Owner only.</li>
 *   <li>{@link #mailbox}: tasks other threads send here: homed tasks woken elsewhere, and spawns that
 *       placement gave to this worker. Any thread pushes; the owner drains it all at once into the
 *       queues above (unstarted tasks into the ring, where they can be stolen).</li>
 * </ul>
 * Every {@value MultiThreadScheduler#MAINTENANCE_INTERVAL} polls the worker drains its mailbox, takes a
 * task from the inject queue, and polls its I/O driver (and the time driver, if free) with a zero
 * timeout, so remote work and I/O are never starved by local work. A worker with nothing to do steals,
 * spins for up to {@value #SPIN_BEFORE_PARK_NANOS} ns (polling its selector), then parks in its own I/O
 * driver, through the time driver if no other worker holds that. With a test's fake driver and no I/O,
 * it parks in that driver if free, else on its own {@link ThreadPark}.
 */
final class Worker extends CacheLinePadding implements Runnable {
    static final int MAX_LIFO_POLLS = 3;
    /** How long an idle worker watches for work before it parks in the OS or the driver. */
    static final long SPIN_BEFORE_PARK_NANOS = 20_000;

    private static final VarHandle LOCAL_LOAD;

    private static final VarHandle LIVE_HOMED;

    private static final VarHandle LOCAL_UNSTARTED;

    private static final VarHandle POLLS;

    private static final VarHandle CURRENT;

    static {
        try {
            LOCAL_LOAD = MethodHandles.lookup().findVarHandle(Worker.class, "localLoad", int.class);
            LIVE_HOMED = MethodHandles.lookup().findVarHandle(Worker.class, "liveHomed", long.class);
            LOCAL_UNSTARTED = MethodHandles.lookup().findVarHandle(Worker.class, "localUnstarted", int.class);
            POLLS = MethodHandles.lookup().findVarHandle(Worker.class, "polls", long.class);
            CURRENT = MethodHandles.lookup().findVarHandle(Worker.class, "current", Task.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int index;
    final MultiThreadScheduler scheduler;
    final StealableRing ring = new StealableRing();
    final Mailbox mailbox = new Mailbox();
    private ArrayDeque<Task<?>> homeLocal = new ArrayDeque<>();
    /** Tasks that yielded, held until other ready work has run and the driver was polled. Owner only. */
    private ArrayDeque<Task<?>> deferred = new ArrayDeque<>();
    private final ThreadPark parker = new ThreadPark();
    /** This worker's own I/O driver, which it parks in; null with a test's driver. */
    final IoDriver io;
    /**
     * True while this worker is parked in (or about to park in) a driver: its own I/O driver, or the
     * shared test driver when it has none.
     */
    private volatile boolean inDriver;
    /** True from the moment this worker starts to go idle until it is running again. */
    private volatile boolean idle;
    private Task<?> lifo;
    /** The task this worker polls now, or polled last; read racily by the blocking detector. */
    private Task<?> current;
    /** A task spawned into the empty LIFO slot during the current poll; placed when the poll ends. */
    private Task<?> freshSpawn;
    private int lifoPollsInARow;
    private Worker burstTarget;
    private int burstRunLeft;
    /** Tasks drained from the mailbox that did not fit in the ring, oldest first (owner only). */
    private Task<?> drainedRest;
    private int tick;
    /**
     * Owner-written estimate of queued local work, read by spawn placement on other threads. Written
     * with opaque stores (no fence: it changes on every push and pop) and read the same way.
     */
    private int localLoad;
    /**
     * Tasks placed on this worker (spawned here, or drained from the mailbox) that have not had their
     * first poll (owner-written, opaque): with {@link #liveHomed} and the mailbox, what {@link #weight}
     * counts.
     */
    private int localUnstarted;
    Thread thread;
    /** The worker thread's context, once it runs; observers read its budget-yield count racily. */
    volatile ThreadContext context;

    // Written by the owner only, read racily by observers (64-bit reads do not tear on HotSpot).
    long polls;
    long steals;
    long homed;
    long parks;
    /**
     * Tasks homed here that have not completed: what placement balances. Owner-written with opaque
     * stores and read the same way from other threads (as a plain field, a spawner's loop on another
     * worker may keep reading one stale value, and it did in an experiment: see perf.md §9.1).
     */
    private long liveHomed;

    // Padding after the fields (see CacheLinePadding; the JVM puts a class's longs first, so these
    // end up before its other fields, and the worker's own queues, allocated right after it, follow).
    @SuppressWarnings("unused")
    private long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

    Worker(int index, MultiThreadScheduler scheduler, IoDriver io) {
        this.index = index;
        this.scheduler = scheduler;
        this.io = io;
    }

    // ---------------------------------------------------------------------------------------------
    // Placement (called on this worker's own thread)

    /** A task woken by another task on this worker: run it next (LIFO slot). */
    void scheduleLocalNext(Task<?> task) {
        Task<?> displaced = lifo;
        lifo = task;
        if (displaced != null) {
            scheduleLocalBack(displaced);
        }
        updateLoad();
    }

    /** Where the current run of a burst of spawns from this worker goes, or null to choose again. */
    Worker burstTarget() {
        return burstRunLeft-- > 0 ? burstTarget : null;
    }

    /** Starts a run of {@code length} spawns from this worker to {@code target} (this one included). */
    void startBurstRun(Worker target, int length) {
        burstTarget = target;
        burstRunLeft = length - 1;
    }

    /** Whether the LIFO slot is free (owner thread). */
    boolean lifoIsEmpty() {
        return lifo == null;
    }

    /** Behind every task queued here: homed tasks to the home-only queue, others to the ring. */
    void scheduleLocalBack(Task<?> task) {
        scheduleLocalBack(task, true);
    }

    /**
     * As {@link #scheduleLocalBack(Task)}; {@code notify} false skips waking an idle worker to steal
     * it, for a task this worker is about to take up again itself.
     */
    private void scheduleLocalBack(Task<?> task, boolean notify) {
        if (task.isHomed() || task.placed) {
            homeLocal.addLast(task);
        } else {
            ring.push(task, scheduler.inject);
            if (notify) {
                scheduler.notifyParked(); // there is something to steal
            }
        }
        updateLoad();
    }

    /**
     * A task that yielded (was woken while it ran): held until this worker has run out of other ready
     * work, local and remote, and has polled the driver, so it runs after the events that were ready
     * then. Without this, a few tasks that yield in a loop keep the local queue full and work sent
     * here from outside waits 61 polls per task (measured: 640 µs per remote spawn on busy workers).
     */
    void scheduleYield(Task<?> task) {
        deferred.addLast(task);
        updateLoad();
    }

    /** Polls the driver without waiting (if no other worker holds it), then releases deferred tasks. */
    private void maintainDriver() {
        scheduler.pollDriver(io);
        if (deferred.isEmpty()) {
            return;
        }
        if (homeLocal.isEmpty()) {
            // The common case (only yielded tasks left): swap the queues instead of moving each task.
            // Yielded tasks that are not homed then run from the home-only queue: still here, just not
            // stealable this time round.
            ArrayDeque<Task<?>> released = deferred;
            deferred = homeLocal;
            homeLocal = released;
        } else {
            Task<?> t;
            while ((t = deferred.pollFirst()) != null) {
                scheduleLocalBack(t);
            }
        }
        updateLoad();
    }

    private void updateLoad() {
        LOCAL_LOAD.setOpaque(this, homeLocal.size() + deferred.size() + (lifo != null ? 1 : 0));
    }

    /**
     * Whether this worker is parked with no wake-up on its way (in the driver: the bottom of the park
     * stack; else its own parker). Racy; for tests that must know a worker is really asleep.
     */
    boolean isParkedWithNoWakePending() {
        if (inDriver) {
            return io != null && io.isParkedWithNoWakePending();
        }
        return parker.isParkedWithNoWakePending();
    }

    /** Whether any task waits in this worker's queues; racy, from any thread (the idle probe). */
    boolean hasQueuedWork() {
        return load() > 0 || drainedRest != null;
    }

    /** Roughly how much work is queued here; readable from any thread. */
    int load() {
        return (int) LOCAL_LOAD.getOpaque(this) + ring.size() + mailbox.size();
    }

    /** Sends {@code task} to this worker from another thread, and wakes it. */
    void sendToMailbox(Task<?> task) {
        mailbox.push(task);
        // Dekker with park(): it sets idle and then looks at the mailbox; this pushes and then reads
        // idle. A busy worker is not unparked: no atomic on its parker for every task sent to it.
        if (idle) {
            unpark();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The run loop

    @Override
    public void run() {
        ThreadContext tc = ThreadContext.current();
        tc.runtime = scheduler.handle;
        tc.ioDriver = io;
        tc.recentNanos = System.nanoTime();
        context = tc;
        try {
            while (!scheduler.isStopped()) {
                Task<?> task = next();
                if (task == null) {
                    task = steal();
                }
                if (task != null) {
                    runTask(task, tc);
                } else {
                    park();
                }
            }
        } finally {
            tc.runtime = null;
            tc.ioDriver = null;
        }
    }

    private void runTask(Task<?> task, ThreadContext tc) {
        polls++;
        current = task;
        if (task.placed) {
            // Placed here, by a spawn on this worker or through the mailbox: started now.
            task.placed = false;
            LOCAL_UNSTARTED.setOpaque(this, localUnstarted - 1);
        }
        task.run(tc);
        Task<?> fresh = freshSpawn;
        if (fresh != null) {
            freshSpawn = null;
            if (fresh == lifo && !task.isComplete()) {
                placeFreshSpawn(fresh);
            }
        }
        // A task that re-asserts an interrupt must not leave this worker's parks returning at once.
        Thread.interrupted();
    }

    /** The poll count, read from another thread (the blocking detector). */
    long pollsSeen() {
        return (long) POLLS.getOpaque(this);
    }

    /** The task polled now or last, read from another thread (the blocking detector). */
    Task<?> currentTask() {
        return (Task<?>) CURRENT.getOpaque(this);
    }

    /** Whether this worker is going idle or parked (not inside a poll). */
    boolean isIdle() {
        return idle;
    }

    /** Claims {@code task} as homed here (its first continuation started on this thread). */
    Object homeHere() {
        homed++;
        LIVE_HOMED.setOpaque(this, liveHomed + 1);
        return this;
    }

    /** A task homed here completed (on this thread: a homed task runs nowhere else). */
    void homedTaskEnded() {
        LIVE_HOMED.setOpaque(this, liveHomed - 1);
    }

    /** Tasks homed here and not complete; racy, from any thread. */
    long liveHomed() {
        return (long) LIVE_HOMED.getOpaque(this);
    }

    /**
     * Marks {@code task}, spawned on this worker, as placed here: kept out of the stealable ring until
     * its first poll (a thief would undo the placement), and counted in {@link #weight} until then.
     */
    void placeLocally(Task<?> task) {
        task.placed = true;
        LOCAL_UNSTARTED.setOpaque(this, localUnstarted + 1);
    }

    /**
     * What placement balances, since a started task stays where it started: tasks homed here and not
     * complete, tasks placed here and not yet started, and what waits in the mailbox. Not the local
     * queues, which also hold homed tasks that yielded (counted twice, they made a CPU-bound burst
     * split 47/17). Racy; readable from any thread.
     */
    long weight() {
        return liveHomed() + (int) LOCAL_UNSTARTED.getOpaque(this) + mailbox.size();
    }

    /** Notes a task spawned into the empty LIFO slot, for {@link #placeFreshSpawn} once the poll ends. */
    void spawnedIntoLifo(Task<?> task) {
        freshSpawn = task;
    }

    /**
     * A task spawned into the LIFO slot by a task that is still alive after its poll: not the chain
     * case (spawn the successor and end), but a spawner that goes on, an accept loop above all. Its
     * first poll homes the new task for good, so it goes to whichever of this worker and one other,
     * picked at random, has fewer live homed tasks (this one on a tie). Without this, every connection
     * an accepting task spawned was homed on the acceptor's worker, and the other cores stayed idle.
     */
    private void placeFreshSpawn(Task<?> fresh) {
        Worker[] all = scheduler.workers;
        int n = all.length;
        if (n < 2) {
            return;
        }
        Worker other = all[(index + 1 + ThreadLocalRandom.current().nextInt(n - 1)) % n];
        if (other.weight() < weight() - 1) { // this worker's weight counts the fresh task itself
            lifo = null;
            LOCAL_UNSTARTED.setOpaque(this, localUnstarted - 1);
            updateLoad();
            other.sendToMailbox(fresh); // still marked placed: the other worker keeps it out of its ring
        }
    }

    private Task<?> next() {
        if (++tick % MultiThreadScheduler.MAINTENANCE_INTERVAL == 0) {
            // Remote work gets in even while local work never runs out: the mailbox goes to the back
            // of the local queues, and one task from the inject queue runs now.
            maintainDriver();
            drainMailbox();
            Task<?> remote = scheduler.takeInjected();
            if (remote != null) {
                return remote;
            }
        }
        Task<?> t = lifo;
        if (t != null) {
            lifo = null;
            if (lifoPollsInARow < MAX_LIFO_POLLS) {
                lifoPollsInARow++;
                updateLoad();
                return t;
            }
            // Enough LIFO in a row: let the queue move. No wake-up for it (as in Tokio): in a chain of
            // spawns it is the only task, this worker takes it again at once, and waking another
            // worker to steal it made the chain hop between workers.
            scheduleLocalBack(t, false);
        }
        lifoPollsInARow = 0;
        t = pollLocal();
        // A loop, not one retry: a thief may empty the ring between the drain and the poll, while
        // tasks that did not fit are still waiting in drainedRest.
        while (t == null && drainMailbox()) {
            t = pollLocal();
        }
        if (t != null) {
            updateLoad();
            return t;
        }
        t = scheduler.takeInjected();
        if (t == null && !deferred.isEmpty()) {
            // Only yielded tasks are left: they run again once the driver has been polled. Unlike
            // Tokio, no steal first: this worker is not idle, and a stolen task that starts here is
            // homed here for good, so taking unstarted work from a worker that is only momentarily
            // slower makes a lasting imbalance (measured: 49/15 splits of 64 CPU-bound tasks).
            maintainDriver();
            return next();
        }
        return t;
    }

    /** The next task of the ring or the home-only queue, alternating so neither starves the other. */
    private Task<?> pollLocal() {
        Task<?> t;
        if ((tick & 1) == 0) {
            t = ring.pop();
            if (t == null) {
                t = homeLocal.pollFirst();
            }
        } else {
            t = homeLocal.pollFirst();
            if (t == null) {
                t = ring.pop();
            }
        }
        return t;
    }

    /**
     * Moves the mailbox's tasks to the back of the local queues, in arrival order: homed tasks to the
     * home-only queue, others to the ring, where idle workers may steal them. Only as many as the ring
     * has room for: the rest wait, in order, in {@link #drainedRest} (owner only) and go first next
     * time. Without the bound a big batch overflowed the ring into the locked inject queue, which every
     * worker then took from one lock at a time. Returns whether there was anything.
     */
    private boolean drainMailbox() {
        Task<?> t = drainedRest;
        if (t == null) {
            t = mailbox.drain();
            if (t == null) {
                return false;
            }
        }
        drainedRest = null;
        int room = ring.room();
        boolean stealable = false;
        while (t != null) {
            boolean homed = t.isHomed() || t.placed;
            if (t.placed) {
                LOCAL_UNSTARTED.setOpaque(this, localUnstarted + 1); // counted here until its first poll
            }
            if (!homed && room == 0) {
                drainedRest = t;
                break;
            }
            Task<?> next = t.queueNext;
            t.queueNext = null;
            if (homed) {
                homeLocal.addLast(t);
            } else {
                ring.push(t, scheduler.inject);
                room--;
                stealable = true;
            }
            t = next;
        }
        if (stealable) {
            scheduler.notifyParked();
        }
        updateLoad();
        return true;
    }

    /** Takes half of a random victim's ring, or work from the inject queue; null if none anywhere. */
    private Task<?> steal() {
        if (!scheduler.tryStartSearching()) {
            return null;
        }
        Task<?> found = null;
        try {
            Worker[] all = scheduler.workers;
            int n = all.length;
            int start = ThreadLocalRandom.current().nextInt(n);
            for (int i = 0; i < n && found == null; i++) {
                Worker victim = all[(start + i) % n];
                if (victim != this) {
                    int before = ring.size();
                    found = victim.ring.stealInto(ring, mailbox.size());
                    if (found != null) {
                        steals += 1 + ring.size() - before;
                    }
                }
            }
            if (found == null) {
                found = scheduler.takeInjected();
            }
        } finally {
            scheduler.stopSearching(found != null);
        }
        return found;
    }

    // ---------------------------------------------------------------------------------------------
    // Parking

    private void park() {
        idle = true;
        scheduler.addIdle(this);
        // Re-check after announcing idleness: a push that missed the idle announcement is seen here.
        if (drainedRest != null || !mailbox.isEmpty() || !scheduler.inject.isEmpty() || scheduler.isStopped()
                || scheduler.anyRingHasWork()) {
            scheduler.removeIdle(this);
            idle = false;
            return;
        }
        if (scheduler.autoAdvanceIfIdle()) {
            scheduler.removeIdle(this); // a paused clock jumped and woke timers: look for their tasks
            idle = false;
            return;
        }
        parks++;
        if (io != null) {
            parkInIo();
        } else {
            parkWithoutIo();
        }
        ThreadContext.current().recentNanos = System.nanoTime(); // the spawn clock, fresh after a park
        scheduler.removeIdle(this);
        idle = false;
        Thread.interrupted();
    }

    /**
     * Parks in this worker's own I/O driver, through the time driver if it is free. Spins first, for up
     * to {@value #SPIN_BEFORE_PARK_NANOS} ns, watching for an unpark and polling the selector now and
     * then, so work handed over by another worker, or the reply to a request just sent, costs no
     * thread wake-up; but not when its last select found more than one channel ready: under I/O load
     * events batch up while it sleeps, and a spin would take the CPU that the other end of its
     * connections needs (docs/design.md, "I/O"; measured in docs/perf.md §8.2). For the same reason
     * no more than half of the workers (at least one) spin at a time ({@link
     * MultiThreadScheduler#tryStartSpin}).
     */
    private void parkInIo() {
        if (io.lastSelectEvents() <= 1 && scheduler.tryStartSpin()) {
            boolean woken;
            try {
                woken = spinPollingIo();
            } finally {
                scheduler.endSpin();
            }
            if (woken) {
                return;
            }
        }
        inDriver = true;
        try {
            // Dekker with unpark(): this sets inDriver, then looks for an unpark; unpark sets the parker,
            // then reads inDriver. Either this sees the unpark, or unpark wakes the selector.
            if (parker.tryConsumeUnpark()) {
                return;
            }
            if (scheduler.tryLockDriver(io)) {
                try {
                    scheduler.driver.park(-1);
                } finally {
                    scheduler.unlockDriver();
                }
            } else {
                io.park(-1);
            }
            parker.tryConsumeUnpark(); // the unpark that woke the selector, if that is what happened
        } finally {
            inDriver = false;
        }
    }

    /**
     * Spins for an unpark or an I/O event, polling the selector every {@value #IO_POLL_SPIN_NANOS} ns;
     * true if either came.
     */
    private boolean spinPollingIo() {
        long start = System.nanoTime();
        while (true) {
            if (io.pollNow()) {
                return true;
            }
            if (parker.spinForUnpark(IO_POLL_SPIN_NANOS)) {
                return true;
            }
            if (System.nanoTime() - start > SPIN_BEFORE_PARK_NANOS) {
                return false;
            }
        }
    }

    /** How long an idle worker spins between polls of its selector before it parks. */
    static final long IO_POLL_SPIN_NANOS = 4_000;

    /** Parks in the shared (test) driver if it is free, else on this worker's own parker. */
    private void parkWithoutIo() {
        Park driver = scheduler.driver;
        if (driver != null && scheduler.tryLockDriver(null)) {
            inDriver = true;
            try {
                // Spin first here too (timers due meanwhile fire at most 20 µs late); an unpark during
                // the spin lands on this worker's parker, since inDriver is set.
                if (!parker.spinForUnpark(SPIN_BEFORE_PARK_NANOS)) {
                    driver.park(-1);
                }
            } finally {
                inDriver = false;
                scheduler.unlockDriver();
            }
        } else {
            parker.parkAfterSpin(SPIN_BEFORE_PARK_NANOS);
        }
    }

    /** Wakes this worker wherever it is parked. Any thread. */
    void unpark() {
        parker.unpark();
        // Dekker with park(): it sets inDriver before checking the parker, this sets the parker before
        // reading inDriver, so at least one of the two sees the other.
        if (inDriver) {
            if (io != null) {
                io.unpark();
            } else {
                scheduler.driver.unpark();
            }
        }
    }

    WorkerInfo info() {
        Thread t = thread;
        ThreadContext tc = context;
        Task<?> task = currentTask();
        return new WorkerInfo(index, t != null ? t.getName() : "not started", pollsSeen(), steals, homed, parks,
                liveHomed(), load(), tc != null ? tc.budgetYields : 0, isIdle(), task != null ? task.id : 0);
    }
}
