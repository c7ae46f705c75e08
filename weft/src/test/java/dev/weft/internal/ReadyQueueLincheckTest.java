package dev.weft.internal;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.compose.FuturesUnordered;
import dev.weft.runtime.TaskQueueLincheckAccess;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * The two "poll only what was woken" structures under Lincheck: {@link ReadyQueue} (joins, selects,
 * merged streams) and {@link FuturesUnordered}. Children are flags that any thread raises and then
 * wakes; one poller thread (Lincheck's {@code nonParallelGroup}) polls what was woken and takes the
 * raised flags down. The property, checked after every scenario: <b>no lost wake-up</b>. A flag still
 * raised at the end must have been reported to the task: the task was woken after its last poll
 * began, and one more poll finds the flag. Not checked as linearizability: a wake that lands during a
 * poll is, by design, seen by the next poll rather than this one.
 */
class ReadyQueueLincheckTest {
    static final int CHILDREN = 2;

    /** A child future: ready while its flag is up; keeps the waker of its latest poll. */
    static final class Flag implements Future<Integer> {
        final int id;
        volatile boolean up;
        volatile Waker waker;

        Flag(int id) {
            this.id = id;
        }

        /** Any thread: raise, then wake whoever polled last (the Dekker pair with poll). */
        void raise() {
            up = true;
            Waker w = waker;
            if (w != null) {
                w.wake();
            }
        }

        @Override
        public Object poll(Context cx) {
            waker = cx.waker();
            if (up) {
                up = false;
                return id;
            }
            return PENDING;
        }
    }

    /** The task polling the structure: counts wakes since its last poll began. */
    static final class Task implements Waker {
        volatile boolean woken;

        @Override
        public void wake() {
            woken = true;
        }
    }

    public static class ReadyQueueUnderTest {
        private final Flag[] flags = new Flag[CHILDREN];
        private final ReadyQueue<Flag> queue = new ReadyQueue<>();
        private final Task task = new Task();

        public ReadyQueueUnderTest() {
            for (int i = 0; i < CHILDREN; i++) {
                flags[i] = new Flag(i);
                queue.add(flags[i]);
            }
            poll(); // the task's first poll: every child has seen the task's waker from here on
        }

        @Operation
        public void raise0() {
            flags[0].raise();
        }

        @Operation
        public void raise1() {
            flags[1].raise();
        }

        /** Void, so that Lincheck checks no results: which poll sees a racing wake is not specified. */
        @Operation(nonParallelGroup = "poller")
        public void poll() {
            task.woken = false;
            for (int n = queue.begin(task); n > 0; n--) {
                ReadyQueue.Member<Flag> m = queue.next();
                m.child.poll(m);
            }
        }

        @Validate
        public void noWakeIsLost() {
            boolean raised = flags[0].up || flags[1].up;
            if (raised && !task.woken) {
                throw new IllegalStateException("a flag is up but the task was not woken after its last poll began");
            }
            if (raised) {
                poll();
                if (flags[0].up || flags[1].up) {
                    throw new IllegalStateException("a flag is up but a poll did not find it: its wake was lost");
                }
            }
        }
    }

    public static class FuturesUnorderedUnderTest {
        private final Flag[] flags = new Flag[CHILDREN];
        private final FuturesUnordered<Integer> set = new FuturesUnordered<>();
        private final Task task = new Task();
        private final Context cx = new Context(task);
        private final boolean[] yielded = new boolean[CHILDREN];
        /** A poll that returned an output promises no wake-up: the caller asks again for the next one. */
        private boolean lastPending;

        public FuturesUnorderedUnderTest() {
            for (int i = 0; i < CHILDREN; i++) {
                flags[i] = new Flag(i);
                set.push(flags[i]);
            }
            poll(); // the task's first poll: every member has seen the task's waker from here on
        }

        @Operation
        public void raise0() {
            flags[0].raise();
        }

        @Operation
        public void raise1() {
            flags[1].raise();
        }

        /** Void, so that Lincheck checks no results: which poll sees a racing wake is not specified. */
        @Operation(nonParallelGroup = "poller")
        public void poll() {
            task.woken = false;
            Object r = set.pollNext(cx);
            lastPending = r == Future.PENDING;
            if (r instanceof Integer id) {
                yielded[id] = true; // the member completed and left the set; later raises reach nobody
            }
        }

        @Validate
        public void noWakeIsLost() {
            int ready = 0;
            for (int i = 0; i < CHILDREN; i++) {
                ready += flags[i].up && !yielded[i] ? 1 : 0;
            }
            if (ready > 0 && lastPending && !task.woken) {
                throw new IllegalStateException("a member is ready but the task was not woken after its last"
                        + " poll, which returned pending");
            }
            for (int i = 0; i < ready; i++) {
                if (set.pollNext(cx) == Future.PENDING) {
                    throw new IllegalStateException("a member is ready but a poll did not yield it: its wake was lost");
                }
            }
        }
    }

    @Test
    void readyQueueLosesNoWakeUnderModelChecking() {
        TaskQueueLincheckAccess.modelChecking().check(ReadyQueueUnderTest.class);
    }

    @Test
    void futuresUnorderedLosesNoWakeUnderModelChecking() {
        TaskQueueLincheckAccess.modelChecking().check(FuturesUnorderedUnderTest.class);
    }
}
