package dev.weft.runtime;

import dev.weft.internal.ThreadContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * A runtime's pool for blocking work ({@code spawnBlocking}, {@code blockInPlace}): threads made on
 * demand up to a cap, which wait for more work for a while and then end. Work beyond the cap waits in
 * a FIFO queue. Pool threads are inside the runtime's context: {@code Weft.spawn} and
 * {@code Handle.current()} work there, and {@code await} fails with an explanation.
 *
 * <p>One lock guards the queue and the counts; a job is handed to an idle thread by a signal, or a new
 * thread is made when none is idle and the cap allows. Blocking work is long by nature (a file read, a
 * JDBC call), so the lock is not on any hot path of the scheduler.
 */
final class BlockingPool {
    private final Handle handle;
    private final int maxThreads;
    private final long keepAliveNanos;
    private final String threadPrefix;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workOrShutdown = lock.newCondition();
    private final Condition allDone = lock.newCondition();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private final List<Job> running = new ArrayList<>();
    private int threads;
    private int idleThreads;
    /** Signals sent to idle threads that no thread has woken for yet. */
    private int signalled;
    private int peakThreads;
    private int threadNumber;
    private boolean shutdown;

    /** A piece of blocking work and what to call it in reports. */
    record Job(Runnable work, String description) {
    }

    BlockingPool(Handle handle, int maxThreads, long keepAliveNanos, String threadPrefix) {
        this.handle = handle;
        this.maxThreads = maxThreads;
        this.keepAliveNanos = keepAliveNanos;
        this.threadPrefix = threadPrefix;
    }

    /**
     * Queues {@code job}, waking an idle thread or making a new one if the cap allows.
     *
     * @throws RejectedExecutionException once the pool is shut down
     */
    void execute(Job job) {
        Thread newThread = null;
        lock.lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException("runtime '" + handle.name() + "' is shut down; its blocking pool"
                        + " takes no more work");
            }
            queue.addLast(job);
            if (idleThreads > signalled) {
                signalled++; // an idle thread is on its way for this job
                workOrShutdown.signal();
            } else if (threads < maxThreads) {
                threads++;
                peakThreads = Math.max(peakThreads, threads);
                newThread = new Thread(this::runThread, threadPrefix + "-blocking-" + (++threadNumber));
                newThread.setDaemon(true);
            }
        } finally {
            lock.unlock();
        }
        if (newThread != null) {
            newThread.start();
        }
    }

    private void runThread() {
        ThreadContext tc = ThreadContext.current();
        tc.runtime = handle;
        tc.blockingPool = true;
        lock.lock();
        try {
            while (true) {
                Job job = queue.pollFirst();
                if (job == null) {
                    if (shutdown) {
                        break;
                    }
                    idleThreads++;
                    long left;
                    try {
                        left = workOrShutdown.awaitNanos(keepAliveNanos);
                    } catch (InterruptedException e) {
                        left = 0; // an interrupt from outside: treat like the keep-alive ending
                    } finally {
                        idleThreads--;
                        if (signalled > 0) {
                            signalled--; // whoever wakes first takes the job the signal was for
                        }
                    }
                    if (left <= 0 && queue.isEmpty()) {
                        break; // idle for the whole keep-alive: this thread ends
                    }
                    continue;
                }
                running.add(job);
                lock.unlock();
                try {
                    job.work().run();
                } finally {
                    Thread.interrupted(); // an interrupt meant for this job must not end the next one's wait
                    lock.lock();
                    running.remove(job);
                }
                if (queue.isEmpty() && running.isEmpty() && handle.time != null) {
                    // The last blocking work is done: a paused clock may jump now if the runtime is idle.
                    lock.unlock();
                    try {
                        handle.time.autoAdvanceIfIdle();
                    } finally {
                        lock.lock();
                    }
                }
            }
        } finally {
            threads--;
            if (threads == 0 || (queue.isEmpty() && running.isEmpty())) {
                allDone.signalAll();
            }
            lock.unlock();
            tc.runtime = null;
            tc.blockingPool = false;
        }
    }

    /**
     * Stops taking work and waits until the deadline ({@code System.nanoTime()}) for queued and running
     * jobs to finish. Returns the descriptions of the jobs still running or queued then (empty if all
     * finished).
     */
    List<String> shutdown(long deadlineNanos) {
        lock.lock();
        try {
            shutdown = true;
            workOrShutdown.signalAll();
            while (!queue.isEmpty() || !running.isEmpty()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    allDone.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            List<String> left = new ArrayList<>();
            running.forEach(j -> left.add(j.description() + " (running)"));
            queue.forEach(j -> left.add(j.description() + " (queued, never started)"));
            return left;
        } finally {
            lock.unlock();
        }
    }

    /** The most pool threads that have existed at once. */
    /** Whether no job is queued or running (auto-advance waits for that). */
    boolean isIdle() {
        return underLock(() -> queue.isEmpty() && running.isEmpty() ? 1 : 0) == 1;
    }

    int peakThreads() {
        return underLock(() -> peakThreads);
    }

    /** Pool threads waiting for a job now. */
    int idleThreads() {
        return underLock(() -> idleThreads);
    }

    /** Jobs waiting for a pool thread (the pool is at its cap). */
    int queued() {
        return underLock(queue::size);
    }

    /** Pool threads alive now. */
    int threads() {
        return underLock(() -> threads);
    }

    private int underLock(IntSupplier read) {
        lock.lock();
        try {
            return read.getAsInt();
        } finally {
            lock.unlock();
        }
    }
}
