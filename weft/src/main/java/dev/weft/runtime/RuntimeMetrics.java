package dev.weft.runtime;

import java.util.List;

/**
 * A snapshot of a runtime's counters ({@link Handle#metrics()}), read without stopping anything: each
 * number is current when read, and the numbers are not all from one instant.
 *
 * @param runtime              the runtime's name
 * @param multiThread          whether it is a multi-thread runtime (else current-thread: no workers)
 * @param workers              each worker's counters, queue depth and homed tasks
 * @param liveTasks            tasks spawned and not yet complete
 * @param injectQueueDepth     tasks waiting in the shared queue (spawned or woken from outside the workers)
 * @param polls                polls by all workers
 * @param steals               tasks taken by one worker from another's queue
 * @param parks                times a worker parked for lack of work
 * @param budgetForcedYields   polls cut short by the cooperative budget ({@link dev.weft.Coop})
 * @param blockingThreads      blocking-pool threads alive
 * @param blockingIdleThreads  of those, how many wait for a job
 * @param blockingQueueDepth   blocking jobs waiting for a thread (the pool is at its cap)
 * @param blockingReports      polls the watchdog has reported as blocking a worker
 * @param pinnedAwaits         awaits in this JVM (all runtimes) that could not suspend their block
 */
public record RuntimeMetrics(String runtime, boolean multiThread, List<WorkerInfo> workers, int liveTasks,
                             int injectQueueDepth, long polls, long steals, long parks, long budgetForcedYields,
                             int blockingThreads, int blockingIdleThreads, int blockingQueueDepth,
                             long blockingReports, long pinnedAwaits) {
    public RuntimeMetrics {
        workers = List.copyOf(workers);
    }
}
