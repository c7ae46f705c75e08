package dev.weft.runtime;

import dev.weft.runtime.TaskQueueLincheckTest.FifoModel;
import dev.weft.runtime.TaskQueueLincheckTest.FreshTasks;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A worker's {@link Mailbox} is linearizable to a FIFO whose consumer takes everything at once: any
 * thread pushes, only the owning worker drains (Lincheck's {@code nonParallelGroup}) and asks whether it
 * is empty. A drain returns the tasks in the order they were pushed, so the lock-free stack underneath
 * must not lose, duplicate or reorder a task whatever the interleaving.
 *
 * <p>The model is {@link FifoModel}'s {@code drain}. Tasks are handed out as in {@link TaskQueueLincheckTest}: every push takes a task no one has pushed
 * before, from the pushing thread's own share of a fixed pool, and results compare by task id.
 * {@code size()} is an estimate by design (a racy read of the top task's depth), so it is checked by
 * the unit tests of the scheduler, not here.
 */
class MailboxLincheckTest {

    /** The structure under test, as a worker uses it. */
    public static class MailboxUnderTest {
        private final Mailbox mailbox = new Mailbox();
        private final FreshTasks fresh = new FreshTasks();

        @Operation
        public long push(@Param(gen = ThreadIdGen.class) int thread) {
            Task<?> task = fresh.next(thread);
            mailbox.push(task);
            return task.id;
        }

        @Operation(nonParallelGroup = "owner")
        public List<Long> drain() {
            List<Long> ids = new ArrayList<>();
            for (Task<?> t = mailbox.drain(); t != null; ) {
                Task<?> next = t.queueNext;
                t.queueNext = null; // as the worker does: the task may be queued again later
                ids.add(t.id);
                t = next;
            }
            return ids;
        }

        @Operation(nonParallelGroup = "owner")
        public boolean isEmpty() {
            return mailbox.isEmpty();
        }
    }

    @Test
    void aMailboxIsALinearizableDrainAllFifoUnderModelChecking() {
        TaskQueueLincheckTest.modelChecking().sequentialSpecification(FifoModel.class).check(MailboxUnderTest.class);
    }

    @Test
    @Tag("stress") // Lincheck on real threads: minutes on 2 cores; ./test.sh -Pstress runs it
    void aMailboxIsALinearizableDrainAllFifoUnderStress() {
        TaskQueueLincheckTest.stress().sequentialSpecification(FifoModel.class).check(MailboxUnderTest.class);
    }
}
