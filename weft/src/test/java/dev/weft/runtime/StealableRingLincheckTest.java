package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link StealableRing} is linearizable, model-checked with Lincheck: its owner pushes and pops (one
 * thread: a non-parallel operation group) while thieves steal half of it into rings of their own.
 *
 * <p>The owner pushes the pool's tasks in order, so the sequential model names the same tasks and
 * results compare by task id. These scenarios stay far below the ring's capacity; the overflow path is
 * pinned by plain tests below. {@link StealWhileStolenFrom} fills rings near capacity, to reach the
 * wrap-around of a steal into a ring that is itself being stolen from.
 *
 * <p>With {@code -Dweft.stress=true} (the {@code stress} Maven profile) each check runs a larger budget.
 */
class StealableRingLincheckTest {
    static final boolean STRESS = Boolean.getBoolean("weft.stress");

    /** Created once: the sequential model must name the same tasks as the ring under test. */
    private static final Task<?>[] POOL = newPool(3 * StealableRing.CAPACITY);

    /** Tasks with consecutive ids, so {@code id - POOL[0].id} is a task's index in the pool. */
    private static Task<?>[] newPool(int n) {
        Handle handle = new Handle("lincheck", null, (info, failure) -> {});
        while (true) {
            Task<?>[] pool = new Task<?>[n];
            for (int i = 0; i < n; i++) {
                pool[i] = new Task<>(Future.ready(i), handle);
            }
            if (pool[n - 1].id - pool[0].id == n - 1) {
                return pool; // no other thread made a task meanwhile
            }
        }
    }

    private static long idOf(Task<?> task) {
        return task == null ? -1 : task.id;
    }

    /**
     * One steal as a worker does it, into a fresh ring of the thief's own: the task to run now, then
     * the rest as the thief pops them.
     *
     * <p>A steal gives up while another thief is copying from the same ring, so it can return nothing
     * from a ring that is not empty; no sequential queue does that. Like a worker that goes on to the
     * next victim and comes back, this retries until it gets a task or sees the ring empty (its
     * linearization point then).
     */
    private static List<Long> stealFrom(StealableRing victim) {
        StealableRing own = new StealableRing();
        Task<?> first;
        while ((first = victim.stealInto(own)) == null) {
            if (victim.isEmpty()) {
                return List.of();
            }
            Thread.onSpinWait();
        }
        List<Long> got = new ArrayList<>();
        got.add(first.id);
        for (Task<?> t; (t = own.pop()) != null; ) {
            got.add(t.id);
        }
        return got;
    }

    // ---------------------------------------------------------------------------------------------
    // The owner against thieves

    /** Tasks in the ring before any operation, so that most steals and pops contend for something. */
    private static final int PREFILLED = 6;

    /** A worker's ring: its owner pushes and pops; any other thread steals. */
    public static class OwnerAndThieves {
        private final StealableRing ring = new StealableRing();
        private final TaskQueue overflow = new TaskQueue();
        private int pushed; // owner only

        public OwnerAndThieves() {
            while (pushed < PREFILLED) {
                push();
            }
        }

        @Operation(nonParallelGroup = "owner")
        public void push() {
            ring.push(POOL[pushed++], overflow);
        }

        @Operation(nonParallelGroup = "owner")
        public long pop() {
            return idOf(ring.pop());
        }

        @Operation
        public List<Long> steal() {
            return stealFrom(ring);
        }
    }

    /**
     * What the ring promises: a FIFO for its owner; a steal takes the oldest half (rounded up), the
     * newest of them to run at once and the others, in order, into the thief's ring.
     */
    public static class RingModel {
        private final ArrayDeque<Long> tasks = new ArrayDeque<>();
        private int pushed;

        public RingModel() {
            while (pushed < PREFILLED) {
                push();
            }
        }

        public void push() {
            tasks.addLast(POOL[pushed++].id);
        }

        public long pop() {
            Long id = tasks.pollFirst();
            return id == null ? -1 : id;
        }

        public List<Long> steal() {
            int n = tasks.size() - tasks.size() / 2;
            List<Long> taken = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                taken.add(tasks.pollFirst());
            }
            if (!taken.isEmpty()) {
                taken.addFirst(taken.removeLast());
            }
            return taken;
        }
    }

    @Test
    void theOwnerAndThievesSeeOneFifoUnderModelChecking() {
        // Two threads (the owner's steals too) explore far more interleavings per second than three;
        // thieves racing each other have a check of their own below.
        new ModelCheckingOptions()
                .threads(STRESS ? 3 : 2)
                .actorsPerThread(STRESS ? 4 : 3)
                .actorsBefore(2)
                .actorsAfter(2)
                .iterations(STRESS ? 50 : 6)
                .invocationsPerIteration(STRESS ? 10_000 : 1_000)
                .sequentialSpecification(RingModel.class)
                .check(OwnerAndThieves.class);
    }

    /** Thieves racing each other for a ring whose owner is busy elsewhere. */
    public static class Thieves {
        private final StealableRing ring = new StealableRing();

        public Thieves() {
            TaskQueue neverUsed = new TaskQueue(); // the ring does not fill up
            for (int i = 0; i < PREFILLED; i++) {
                ring.push(POOL[i], neverUsed);
            }
        }

        @Operation
        public List<Long> steal() {
            return stealFrom(ring);
        }
    }

    @Test
    void thievesRacingEachOtherEachTakeDistinctTasksUnderModelChecking() {
        new ModelCheckingOptions()
                .threads(STRESS ? 3 : 2)
                .actorsPerThread(2)
                .actorsBefore(0)
                .actorsAfter(1)
                .iterations(STRESS ? 30 : 2)
                .invocationsPerIteration(STRESS ? 10_000 : 500)
                .sequentialSpecification(RingModel.class)
                .check(Thieves.class);
    }

    @Test
    @Tag("stress") // Lincheck on real threads: minutes on 2 cores; ./test.sh -Pstress runs it
    void theOwnerAndThievesSeeOneFifoUnderStress() {
        new StressOptions()
                .threads(3)
                .actorsPerThread(STRESS ? 5 : 3)
                .actorsBefore(3)
                .actorsAfter(2)
                .iterations(STRESS ? 50 : 10)
                .invocationsPerIteration(STRESS ? 10_000 : 1_000)
                .sequentialSpecification(RingModel.class)
                .check(OwnerAndThieves.class);
    }

    // ---------------------------------------------------------------------------------------------
    // A worker that steals while another steals from it

    /**
     * A worker runs dry and steals from a victim while a slow thief is still copying from the worker's
     * own ring. The worker's ring looks empty then ({@code real == tail}), yet the slots the slow thief
     * claimed are not free until its phase two: the worker's steal must not write into them.
     *
     * <p>The worker's ring starts with {@code CAPACITY / 2 + 1} tasks and the victim's is full, so a
     * thief that claims half of the worker's ring, then a drain and a full steal (half the victim) by
     * the worker, reach round to the first claimed slot. A drain is many pops, so the operations return
     * nothing and {@link #everyTaskRunsOnce} checks what matters: every task was handed out exactly
     * once, and none was null.
     */
    public static class StealWhileStolenFrom {
        private static final int MINE = StealableRing.CAPACITY / 2 + 1;
        private static final int TASKS = MINE + StealableRing.CAPACITY;

        private final StealableRing mine = new StealableRing();
        private final StealableRing victim = new StealableRing();
        // Plain arrays rather than collections: every access inside an operation is a step to explore.
        private final Task<?>[] ranByWorker = new Task<?>[TASKS]; // the "worker" group's thread only
        private int workerRan;
        private final Task<?>[] ranByThief = new Task<?>[TASKS]; // the "thief" group's thread only
        private int thiefRan;

        public StealWhileStolenFrom() {
            TaskQueue neverUsed = new TaskQueue(); // neither ring fills up
            for (int i = 0; i < TASKS; i++) {
                (i < MINE ? mine : victim).push(POOL[i], neverUsed);
            }
        }

        /** The worker runs every task in its ring. */
        private void drain() {
            for (Task<?> t; (t = mine.pop()) != null; ) {
                ranByWorker[workerRan++] = t;
            }
        }

        /**
         * The worker runs out of work, then steals from the victim (retrying as {@link #stealFrom}
         * does), and runs what it got.
         */
        @Operation(nonParallelGroup = "worker")
        public void stealFromVictim() {
            drain(); // a worker steals only into an empty ring
            Task<?> first;
            while ((first = victim.stealInto(mine)) == null) {
                if (victim.isEmpty()) {
                    return;
                }
                Thread.onSpinWait();
            }
            ranByWorker[workerRan++] = first;
            drain();
        }

        /** Another worker steals from this worker's ring. */
        @Operation(nonParallelGroup = "thief")
        public void steal() {
            StealableRing own = new StealableRing();
            Task<?> first;
            while ((first = mine.stealInto(own)) == null) {
                if (mine.isEmpty()) {
                    return;
                }
                Thread.onSpinWait();
            }
            ranByThief[thiefRan++] = first;
            while (!own.isEmpty()) { // no one else touches this ring: a null slot is recorded as null
                ranByThief[thiefRan++] = own.pop();
            }
        }

        @Validate
        public void everyTaskRunsOnce() {
            boolean[] seen = new boolean[TASKS];
            int count = 0;
            for (Task<?> t : ranByWorker) {
                count += see(t, seen) ? 1 : 0;
            }
            for (Task<?> t : ranByThief) {
                count += see(t, seen) ? 1 : 0;
            }
            for (Task<?> t; (t = mine.pop()) != null; ) {
                count += see(t, seen) ? 1 : 0;
            }
            for (Task<?> t; (t = victim.pop()) != null; ) {
                count += see(t, seen) ? 1 : 0;
            }
            if (count != TASKS) {
                throw new IllegalStateException((TASKS - count) + " of " + TASKS + " tasks were lost or run twice;"
                        + " the thief ran " + thiefRan + " tasks, " + nulls(ranByThief, thiefRan) + " of them null");
            }
        }

        /** Marks {@code t} seen; true if it is a pool task not seen before. */
        private static boolean see(Task<?> t, boolean[] seen) {
            if (t == null) {
                return false;
            }
            int i = (int) (t.id - POOL[0].id);
            boolean fresh = !seen[i];
            seen[i] = true;
            return fresh;
        }

        private static int nulls(Task<?>[] ran, int n) {
            int nulls = 0;
            for (int i = 0; i < n; i++) {
                nulls += ran[i] == null ? 1 : 0;
            }
            return nulls;
        }
    }

    @Test
    void aStealIntoARingBeingStolenFromLeavesTheClaimedSlotsAlone() {
        new ModelCheckingOptions()
                .threads(2)
                .actorsPerThread(STRESS ? 2 : 1)
                .actorsBefore(0)
                .actorsAfter(0)
                // A drain is a long loop, not a spin loop: run it through before switching threads.
                .loopIterationsBeforeThreadSwitch(2 * StealableRing.CAPACITY)
                .loopBound(4 * StealableRing.CAPACITY)
                .iterations(STRESS ? 10 : 2)
                .invocationsPerIteration(STRESS ? 5_000 : 500)
                .check(StealWhileStolenFrom.class);
    }

    // ---------------------------------------------------------------------------------------------
    // Overflow

    @Test
    void aPushOntoAFullRingMovesItsOldestHalfAndTheTaskToTheOverflowQueueInOrder() {
        StealableRing ring = new StealableRing();
        TaskQueue overflow = new TaskQueue();
        for (int i = 0; i <= StealableRing.CAPACITY; i++) {
            ring.push(POOL[i], overflow);
        }

        List<Task<?>> spilled = new ArrayList<>();
        for (Task<?> t; (t = overflow.pop()) != null; ) {
            spilled.add(t);
        }
        List<Task<?>> expectedSpill = new ArrayList<>(List.of(POOL).subList(0, StealableRing.CAPACITY / 2));
        expectedSpill.add(POOL[StealableRing.CAPACITY]);
        assertThat(spilled).containsExactlyElementsOf(expectedSpill);

        List<Task<?>> kept = new ArrayList<>();
        for (Task<?> t; (t = ring.pop()) != null; ) {
            kept.add(t);
        }
        assertThat(kept).containsExactlyElementsOf(
                List.of(POOL).subList(StealableRing.CAPACITY / 2, StealableRing.CAPACITY));
    }

    @Test
    void aRingThatSpilledTakesPushesAgainAtItsFreedSlots() {
        StealableRing ring = new StealableRing();
        TaskQueue overflow = new TaskQueue();
        for (int i = 0; i <= StealableRing.CAPACITY; i++) {
            ring.push(POOL[i], overflow);
        }
        int more = StealableRing.CAPACITY / 2; // exactly full again, and no further spill
        for (int i = 0; i < more; i++) {
            ring.push(POOL[StealableRing.CAPACITY + 1 + i], overflow);
        }

        assertThat(overflow.size()).isEqualTo(StealableRing.CAPACITY / 2 + 1);
        assertThat(ring.size()).isEqualTo(StealableRing.CAPACITY);
        List<Task<?>> kept = new ArrayList<>();
        for (Task<?> t; (t = ring.pop()) != null; ) {
            kept.add(t);
        }
        int cap = StealableRing.CAPACITY;
        List<Task<?>> expected = new ArrayList<>(List.of(POOL).subList(cap / 2, cap));
        expected.addAll(List.of(POOL).subList(cap + 1, cap + 1 + more));
        assertThat(kept).containsExactlyElementsOf(expected);
    }
}
