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
 * and the synchronizers need a walk of the heap (measured here: 220 µs on a small heap, growing with
 * it). So it is sampled: the first {@value #FIRST_CHECKS} suspensions of each async body class, then
 * one in {@value #SAMPLE_EVERY} per thread (with one in 4,096, the checks cost a 10,000-task
 * spawn-and-yield loop several times its own run time). With {@code -Dweft.lockCheck=always} every suspension is checked (the detector's own tests,
 * debugging); {@code -Dweft.lockCheck=off} disables it.
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
    static final int FIRST_CHECKS = 64;
    static final int SAMPLE_EVERY = 1 << 16;

    private enum Mode { OFF, SAMPLED, ALWAYS }

    private static final Mode MODE = parseMode(System.getProperty("weft.lockCheck", "sampled"));

    private static final ClassValue<AtomicInteger> CHECKS_BY_BODY = new ClassValue<>() {
        @Override
        protected AtomicInteger computeValue(Class<?> type) {
            return new AtomicInteger();
        }
    };

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

    /** Whether this suspension of a block whose body has class {@code body} should be checked. */
    static boolean shouldCheck(Class<?> body, ThreadContext tc) {
        return switch (MODE) {
            case OFF -> false;
            case ALWAYS -> true;
            case SAMPLED -> {
                AtomicInteger checks = CHECKS_BY_BODY.get(body);
                // Read before writing: past the first checks the shared counter is never written again.
                if (checks.getOpaque() < FIRST_CHECKS && checks.getAndIncrement() < FIRST_CHECKS) {
                    yield true;
                }
                yield (++tc.lockSamples & (SAMPLE_EVERY - 1)) == 0;
            }
        };
    }

    /**
     * Describes the locks the current thread holds inside the innermost mounted continuation, or
     * returns null when it holds none.
     */
    static String heldLocks() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean monitors = mx.isObjectMonitorUsageSupported();
        boolean synchronizers = mx.isSynchronizerUsageSupported();
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
