package dev.weft.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Every live task of one runtime, so shutdown can cancel them all and observers can list them.
 *
 * <p>Tasks are kept in intrusive doubly-linked lists ({@link Task#prev}, {@link Task#next}), sharded
 * by task id so that spawns on different threads rarely meet on one lock. Each shard's lock guards its
 * list, its count and its {@code closed} flag; once closed, a shard accepts no task, so a spawn racing
 * with shutdown either is registered before the close (and gets cancelled) or is refused.
 *
 * <p>There is no shared counter: an add or a remove takes one shard's lock and nothing else (a global
 * atomic counter was two more contended atomics per task). Counting takes every shard's lock, and is
 * done only by observers and during shutdown.
 */
final class TaskRegistry {
    private static final int SHARDS = 16;

    private static final class Shard {
        Task<?> head;
        int count;
        boolean closed;
    }

    private final Shard[] shards = new Shard[SHARDS];
    /** Notified when a remove empties a closed registry; {@link #awaitEmpty} waits on it. */
    private final Object emptied = new Object();

    TaskRegistry() {
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = new Shard();
        }
    }

    private Shard shardOf(Task<?> task) {
        return shards[(int) (task.id & (SHARDS - 1))];
    }

    /** Registers {@code task}; false if the registry is closed. */
    boolean add(Task<?> task) {
        Shard shard = shardOf(task);
        synchronized (shard) {
            if (shard.closed) {
                return false;
            }
            task.next = shard.head;
            if (shard.head != null) {
                shard.head.prev = task;
            }
            shard.head = task;
            shard.count++;
        }
        return true;
    }

    /**
     * Unregisters {@code task}. Returns true if the registry is closed (the runtime is shutting down)
     * and now empty: the caller may have been the last task. More than one caller may see true.
     */
    boolean remove(Task<?> task) {
        Shard shard = shardOf(task);
        boolean lastOfClosedShard;
        synchronized (shard) {
            if (task.prev != null) {
                task.prev.next = task.next;
            } else if (shard.head == task) {
                shard.head = task.next;
            } else {
                return false; // not registered
            }
            if (task.next != null) {
                task.next.prev = task.prev;
            }
            task.prev = null;
            task.next = null;
            shard.count--;
            lastOfClosedShard = shard.closed && shard.count == 0;
        }
        // A remove that ran before the close is seen by whoever closed it, since they count after it.
        // Only the last task of a shard counts the rest: shutting down N tasks takes N + 16^2 locks.
        if (lastOfClosedShard && size() == 0) {
            synchronized (emptied) {
                emptied.notifyAll();
            }
            return true;
        }
        return false;
    }

    /**
     * Waits until no task is registered or the deadline ({@code System.nanoTime()}) passes. Call it
     * after {@link #close()}: only removes from a closed registry notify.
     */
    boolean awaitEmpty(long deadlineNanos) {
        synchronized (emptied) {
            while (size() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    emptied.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Refuses further registrations. */
    void close() {
        for (Shard shard : shards) {
            synchronized (shard) {
                shard.closed = true;
            }
        }
    }

    /** How many tasks are registered and not yet complete; takes every shard's lock in turn. */
    int size() {
        int n = 0;
        for (Shard shard : shards) {
            synchronized (shard) {
                n += shard.count;
            }
        }
        return n;
    }

    /** The registered tasks, shard by shard. */
    List<Task<?>> snapshot() {
        List<Task<?>> all = new ArrayList<>(Math.max(16, size()));
        for (Shard shard : shards) {
            synchronized (shard) {
                for (Task<?> t = shard.head; t != null; t = t.next) {
                    all.add(t);
                }
            }
        }
        return all;
    }
}
