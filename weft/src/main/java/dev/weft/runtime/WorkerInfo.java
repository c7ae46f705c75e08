package dev.weft.runtime;

/**
 * A snapshot of one worker thread's counters ({@link Handle#workers()}). Read without locking.
 *
 * @param index  the worker's index, 0-based
 * @param thread the worker thread's name
 * @param polls  tasks polled
 * @param steals tasks taken from other workers' queues
 * @param homed  tasks that became homed on this worker (started a continuation here)
 * @param parks  times the worker parked for lack of work
 */
public record WorkerInfo(int index, String thread, long polls, long steals, long homed, long parks) {
}
