package dev.weft.runtime;

/**
 * A snapshot of one worker thread's counters ({@link Handle#workers()}). Read without locking.
 *
 * @param index         the worker's index, 0-based
 * @param thread        the worker thread's name
 * @param polls         tasks polled
 * @param steals        tasks taken from other workers' queues
 * @param homed         tasks that became homed on this worker (started a continuation here), ever
 * @param parks         times the worker parked for lack of work
 * @param liveHomed     tasks homed here that have not completed
 * @param queueDepth    tasks queued on this worker (its own queues and its mailbox), roughly
 * @param budgetYields  polls cut short by the cooperative budget ({@link dev.weft.Coop}) on this worker
 * @param idle          whether the worker is parked or about to park
 * @param currentTaskId the task it is polling now (or polled last, when idle); 0 before its first poll
 */
public record WorkerInfo(int index, String thread, long polls, long steals, long homed, long parks, long liveHomed,
                         int queueDepth, long budgetYields, boolean idle, long currentTaskId) {
}
