package dev.weft.runtime;

import dev.weft.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link TaskQueue} is linearizable to a FIFO, model-checked with Lincheck as the inject queue uses it
 * (any thread pushes and pops). A worker's mailbox is a different structure: {@link MailboxLincheckTest}.
 *
 * <p>The queue links tasks through {@link Task#queueNext}, so a task must not be pushed while it is
 * queued; the scheduler's SCHEDULED bit ensures that. Here every push takes a task no one has pushed
 * before: Lincheck passes the pushing thread's number ({@link ThreadIdGen}), and each thread takes the
 * next task of its own share of a fixed pool. A thread's operations run in program order in every
 * linearization, so the sequential model hands out the same tasks and results compare by task id.
 *
 * <p>With {@code -Dweft.stress=true} (the {@code stress} Maven profile) each check runs a larger budget.
 */
class TaskQueueLincheckTest {
    static final boolean STRESS = Boolean.getBoolean("weft.stress");

    /** Parallel threads, plus Lincheck's init part (thread 0) and post part (thread THREADS + 1). */
    static final int THREADS = 3;
    static final int THREAD_SLOTS = THREADS + 2;
    static final int TASKS_PER_THREAD = 64;
    /** Created once: the sequential model must name the same tasks as the queue under test. */
    static final Task<?>[] POOL = newPool(THREAD_SLOTS * TASKS_PER_THREAD);

    static Task<?>[] newPool(int n) {
        Handle handle = new Handle("lincheck", null, (info, failure) -> {});
        Task<?>[] pool = new Task<?>[n];
        for (int i = 0; i < n; i++) {
            pool[i] = new Task<>(Future.ready(i), handle);
        }
        return pool;
    }

    /** Hands each thread tasks from its own share of the pool, in order. */
    static final class FreshTasks {
        private final int[] taken = new int[THREAD_SLOTS];

        Task<?> next(int thread) {
            return POOL[thread * TASKS_PER_THREAD + taken[thread]++];
        }
    }

    private static long idOf(Task<?> task) {
        return task == null ? -1 : task.id;
    }

    // ---------------------------------------------------------------------------------------------
    // The inject queue: multi-producer, multi-consumer

    /** The runtime's inject queue: external spawns, and a full ring's overflow in batches. */
    public static class InjectQueue {
        private final TaskQueue queue = new TaskQueue();
        private final FreshTasks fresh = new FreshTasks();

        @Operation
        public long push(@Param(gen = ThreadIdGen.class) int thread) {
            Task<?> task = fresh.next(thread);
            queue.push(task);
            return task.id;
        }

        @Operation
        public void pushAll(@Param(gen = ThreadIdGen.class) int thread) {
            queue.pushAll(new Task<?>[] {fresh.next(thread), fresh.next(thread), fresh.next(thread)});
        }

        @Operation
        public long pop() {
            return idOf(queue.pop());
        }

        @Operation
        public int size() {
            return queue.size();
        }
    }

    /** A plain FIFO of task ids. */
    public static class FifoModel {
        private final ArrayDeque<Long> queue = new ArrayDeque<>();
        private final FreshTasks fresh = new FreshTasks();

        public long push(int thread) {
            long id = fresh.next(thread).id;
            queue.addLast(id);
            return id;
        }

        public void pushAll(int thread) {
            for (int i = 0; i < 3; i++) {
                queue.addLast(fresh.next(thread).id);
            }
        }

        public long pop() {
            Long id = queue.pollFirst();
            return id == null ? -1 : id;
        }

        public int size() {
            return queue.size();
        }

        public boolean isEmpty() {
            return queue.isEmpty();
        }

        /** Everything, oldest first (the mailbox's consumer takes all at once). */
        public List<Long> drain() {
            List<Long> all = new ArrayList<>(queue);
            queue.clear();
            return all;
        }
    }

    @Test
    void theInjectQueueIsALinearizableFifoUnderModelChecking() {
        modelChecking().sequentialSpecification(FifoModel.class).check(InjectQueue.class);
    }

    @Test
    @Tag("stress") // Lincheck on real threads: minutes on 2 cores; ./test.sh -Pstress runs it
    void theInjectQueueIsALinearizableFifoUnderStress() {
        stress().sequentialSpecification(FifoModel.class).check(InjectQueue.class);
    }

    // ---------------------------------------------------------------------------------------------

    static ModelCheckingOptions modelChecking() {
        return new ModelCheckingOptions()
                .threads(THREADS)
                .actorsPerThread(STRESS ? 4 : 3)
                .actorsBefore(2)
                .actorsAfter(2)
                .iterations(STRESS ? 50 : 10)
                .invocationsPerIteration(STRESS ? 10_000 : 1_000);
    }

    static StressOptions stress() {
        return new StressOptions()
                .threads(THREADS)
                .actorsPerThread(STRESS ? 4 : 3)
                .actorsBefore(2)
                .actorsAfter(2)
                .iterations(STRESS ? 50 : 10)
                .invocationsPerIteration(STRESS ? 10_000 : 1_000);
    }
}
