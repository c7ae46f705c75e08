package dev.weft.runtime;

/**
 * A FIFO of tasks that any thread may push to and pop from, linked through {@link Task#queueNext}, so a
 * push allocates nothing. Used for a runtime's inject queue (work from outside, and a full ring's
 * overflow) and for the current-thread runtime's wakes from other threads.
 *
 * <p>A lock guards the list; it is held for a few pointer writes. {@link #size} is written under the
 * lock and read without it, so a worker can look at an empty queue without taking the lock. A task is
 * in at most one queue at a time (its SCHEDULED bit), which is what makes the intrusive link safe.
 */
final class TaskQueue {
    private Task<?> head;
    private Task<?> tail;
    private volatile int size;

    /** Appends {@code task}. */
    void push(Task<?> task) {
        synchronized (this) {
            link(task);
            size = size + 1;
        }
    }

    /** Appends {@code tasks} in order. */
    void pushAll(Task<?>[] tasks) {
        synchronized (this) {
            for (Task<?> t : tasks) {
                link(t);
            }
            size = size + tasks.length;
        }
    }

    private void link(Task<?> task) {
        task.queueNext = null;
        if (tail == null) {
            head = task;
        } else {
            tail.queueNext = task;
        }
        tail = task;
    }

    /** Takes the oldest task, or returns null if there is none. */
    Task<?> pop() {
        if (size == 0) {
            return null;
        }
        synchronized (this) {
            Task<?> t = head;
            if (t == null) {
                return null;
            }
            head = t.queueNext;
            if (head == null) {
                tail = null;
            }
            t.queueNext = null;
            size = size - 1;
            return t;
        }
    }

    /** How many tasks are queued; may be stale by the time the caller looks. */
    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }
}
