package dev.weft.internal;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Detects a monitor ({@code synchronized}) or a {@code java.util.concurrent} lock held across an
 * await (DESIGN.md section 2, "Monitors and j.u.c locks across an await").
 *
 * <p>The VM lets a continuation yield inside {@code synchronized}, and the lock then stays owned by the
 * worker thread: other tasks on that worker re-enter it. The check asks {@link ThreadMXBean} for the
 * thread's locked monitors and ownable synchronizers. That is expensive: about 25 µs for the monitors,
 * and the synchronizers need a walk of the whole heap (220 µs on a small heap; milliseconds on a
 * gigabyte one). So it is sampled, and its cost is bounded:
 * <ul>
 *   <li>the first {@value #FIRST_CHECKS} suspensions of each async body class are always checked for
 *       monitors, so a new piece of code is looked at as soon as it runs; the first one for
 *       synchronizers too, and the others while such heap walks have used less than
 *       1/{@value #FIRST_BUDGET_SHARE} of the time (with 16 walks per class, a test suite's first run of
 *       a few body classes on a large heap spent 12 s in heap walks);</li>
 *   <li>after that, one suspension in {@value #SAMPLE_EVERY} per thread is a candidate, and a candidate
 *       is checked only if the checks so far have used less than 1/{@value #BUDGET_SHARE} of the time
 *       since the previous one ended (after a check that took {@code d}, none for {@code 99 d}).</li>
 * </ul>
 * So the detector costs at most about 1% of one core once the first checks are done, however large
 * the heap. Before the time bound (a fixed one in 65,536), a 2 GB heap made every yield about 300 ns
 * slower on average, and erratic. With {@code -Dweft.lockCheck=always} every suspension is checked
 * (the detector's own tests, debugging); {@code -Dweft.lockCheck=off} disables it.
 *
 * <p>Sampling is per body class rather than per await site: naming an await site needs a stack walk,
 * which would cost more on every yield than the sampling saves.
 *
 * <p>Monitors are attributed by stack depth: only those locked in frames above the innermost
 * {@code Continuation.run} belong to the suspending block. {@code java.util.concurrent} locks carry no
 * frame, so every one the thread owns is reported, with the await site as the frame; one taken by the
 * thread before it began to drive the runtime (a lock held around {@code blockOn}) is reported too,
 * and the message says so.
 */
final class LockDetector {
    static final int FIRST_CHECKS = 16;
    static final int SAMPLE_EVERY = 1 << 12;
    static final int BUDGET_SHARE = 100;
    static final int FIRST_BUDGET_SHARE = 10;

    private enum Mode { OFF, SAMPLED, ALWAYS }

    private static final Mode MODE = parseMode(System.getProperty("weft.lockCheck", "sampled"));

    private static final ClassValue<AtomicInteger> CHECKS_BY_BODY = new ClassValue<>() {
        @Override
        protected AtomicInteger computeValue(Class<?> type) {
            return new AtomicInteger();
        }
    };

    /**
     * When the next sampled check may run ({@link System#nanoTime()} scale). Written after each check;
     * a race between threads only lets an extra check through.
     */
    private static volatile long nextSampleNanos = System.nanoTime();
    /** When a first check may next walk the heap for synchronizers (a larger share than sampling). */
    private static volatile long nextFirstWalkNanos = System.nanoTime();

    /** Set by the detector's own tests: every first check walks the heap, whatever the time spent. */
    private static volatile boolean firstChecksAlwaysWalk;

    /** For the detector's own tests: makes every first check walk the heap, or restores the bound. */
    static void firstChecksAlwaysWalk(boolean on) {
        firstChecksAlwaysWalk = on;
    }

    private LockDetector() {
    }

    private static Mode parseMode(String value) {
        try {
            return Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.getLogger("dev.weft").log(System.Logger.Level.WARNING,
                    "weft.lockCheck=" + value + " is not one of off, sampled, always: using sampled");
            return Mode.SAMPLED;
        }
    }

    /**
     * Describes the locks held across this suspension of a block whose body has class {@code body}, or
     * returns null: when none are held, and for the suspensions the mode does not check.
     */
    static String check(Class<?> body, ThreadContext tc) {
        switch (MODE) {
            case OFF -> {
                return null;
            }
            case ALWAYS -> {
                return heldLocks(true);
            }
            default -> {
                // fall through to sampling
            }
        }
        if (tc.lockBody != body) { // a one-entry cache: the ClassValue lookup only when the body changes
            tc.lockBody = body;
            tc.lockChecks = CHECKS_BY_BODY.get(body);
        }
        AtomicInteger checks = tc.lockChecks;
        // Read before writing: past the first checks the shared counter is never written again.
        int index = checks.getOpaque() < FIRST_CHECKS ? checks.getAndIncrement() : FIRST_CHECKS;
        boolean first = index < FIRST_CHECKS;
        if (!first && ((++tc.lockSamples & (SAMPLE_EVERY - 1)) != 0 || System.nanoTime() - nextSampleNanos < 0)) {
            return null;
        }
        long start = System.nanoTime();
        boolean walkHeap = !first || index == 0 || firstChecksAlwaysWalk || start - nextFirstWalkNanos >= 0;
        try {
            return heldLocks(walkHeap);
        } finally {
            if (walkHeap) {
                long end = System.nanoTime();
                nextSampleNanos = end + (end - start) * (BUDGET_SHARE - 1);
                nextFirstWalkNanos = end + (end - start) * (FIRST_BUDGET_SHARE - 1);
            }
        }
    }

    /**
     * Describes the locks the current thread holds inside the innermost mounted continuation, or
     * returns null when it holds none. Without {@code walkHeap}, monitors only (cheap).
     */
    private static String heldLocks(boolean walkHeap) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean monitors = mx.isObjectMonitorUsageSupported();
        boolean synchronizers = walkHeap && mx.isSynchronizerUsageSupported();
        ThreadInfo[] infos = mx.getThreadInfo(new long[] {Thread.currentThread().threadId()}, monitors, synchronizers);
        if (infos.length == 0 || infos[0] == null) {
            return null;
        }
        ThreadInfo info = infos[0];
        StackTraceElement[] stack = info.getStackTrace();
        int continuationBase = stack.length;
        for (int i = 0; i < stack.length; i++) {
            if (stack[i].getClassName().equals("jdk.internal.vm.Continuation")) {
                continuationBase = i;
                break;
            }
        }
        List<String> held = new ArrayList<>();
        for (MonitorInfo m : info.getLockedMonitors()) {
            int depth = m.getLockedStackDepth();
            if (depth >= 0 && depth < continuationBase) {
                held.add("the monitor of " + describe(m) + " (synchronized, locked in " + m.getLockedStackFrame() + ")");
            }
        }
        String awaitSite = awaitSite(stack, continuationBase);
        for (LockInfo l : info.getLockedSynchronizers()) {
            if (OWNED_BY_THE_THREAD_ITSELF.contains(l.getClassName())) {
                continue;
            }
            held.add(describe(l) + " (a java.util.concurrent lock, held across the await at " + awaitSite
                    + "; such locks carry no frame, so it may also have been taken before this thread began"
                    + " to run the task, e.g. around a blockOn, which is itself a deadlock hazard)");
        }
        if (held.isEmpty()) {
            return null;
        }
        return "await() would suspend this async block while it holds " + String.join(" and ", held)
                + ". The lock would stay owned by the worker thread across the suspension, so other tasks on"
                + " that thread could enter it and mutual exclusion would break. Release it before awaiting,"
                + " or use an async lock that is held by the task rather than the thread.";
    }

    private static String describe(LockInfo lock) {
        return lock.getClassName() + "@" + Integer.toHexString(lock.getIdentityHashCode());
    }

    /**
     * Locks a thread holds for its whole run as a pool thread, not around user code: a
     * {@code ThreadPoolExecutor} worker holds its own run lock while it runs a task, so a
     * {@code blockOn} on a pool thread would otherwise fail its first suspensions.
     */
    private static final Set<String> OWNED_BY_THE_THREAD_ITSELF = Set.of("java.util.concurrent.ThreadPoolExecutor$Worker");

    /** Classes of the await machinery itself, never an await site. */
    private static final Set<String> MACHINERY = Set.of(LockDetector.class.getName(),
            AsyncBlock.class.getName(), Coroutines.class.getName(), "dev.weft.Future");

    /**
     * The first frame inside the continuation (above {@code continuationBase}) that is neither the JDK's
     * nor the await machinery: the code that called {@code await}.
     */
    private static String awaitSite(StackTraceElement[] stack, int continuationBase) {
        for (int i = 0; i < continuationBase; i++) {
            String c = stack[i].getClassName();
            if (c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.") || MACHINERY.contains(c)) {
                continue;
            }
            return stack[i].toString();
        }
        return "an unknown frame";
    }
}
