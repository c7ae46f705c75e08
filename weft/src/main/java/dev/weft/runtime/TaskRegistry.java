package dev.weft.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every live task of one runtime, so shutdown can cancel them all and observers can list them.
 *
 * <p>Tasks are kept in intrusive doubly-linked lists ({@link Task#prev}, {@link Task#next}), sharded
 * by task id so that spawns on different threads rarely meet on one lock. Each shard's lock guards its
 * list and its {@code closed} flag; once closed, a shard accepts no task, so a spawn racing with
 * shutdown either is registered before the close (and gets cancelled) or is refused.
 */
final class TaskRegistry {
    private static final int SHARDS = 16;

    private static final class Shard {
        Task<?> head;
        boolean closed;
    }

    private final Shard[] shards = new Shard[SHARDS];
    private final AtomicInteger live = new AtomicInteger();

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
        }
        live.incrementAndGet();
        return true;
    }

    /** Unregisters {@code task}; returns how many tasks are left. */
    int remove(Task<?> task) {
        Shard shard = shardOf(task);
        synchronized (shard) {
            if (task.prev != null) {
                task.prev.next = task.next;
            } else if (shard.head == task) {
                shard.head = task.next;
            } else {
                return live.get(); // not registered
            }
            if (task.next != null) {
                task.next.prev = task.prev;
            }
            task.prev = null;
            task.next = null;
        }
        int left = live.decrementAndGet();
        if (left == 0) {
            synchronized (live) {
                live.notifyAll();
            }
        }
        return left;
    }

    /** Waits until no task is registered or the deadline ({@code System.nanoTime()}) passes. */
    boolean awaitEmpty(long deadlineNanos) {
        synchronized (live) {
            while (live.get() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    live.wait(Math.max(1, left / 1_000_000));
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

    /** How many tasks are registered and not yet complete. */
    int size() {
        return live.get();
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
