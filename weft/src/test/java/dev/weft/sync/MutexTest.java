package dev.weft.sync;

import static dev.weft.sync.Polls.probe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Polls.Probe;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The async mutex: exclusion across awaits, fairness, and cancel safety. */
class MutexTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"currentThread", "multiThread"})
    void fourTasksIncrementingAHundredThousandTimesEachLoseNoUpdate(String flavour) {
        Mutex<long[]> counter = new Mutex<>(new long[1]);
        Runtime.Builder b = flavour.equals("currentThread") ? Runtime.builder().currentThread()
                : Runtime.builder().multiThread().workerThreads(2);
        try (Runtime rt = b.build()) {
            rt.blockOn(Weft.async(() -> {
                List<JoinHandle<Void>> tasks = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    tasks.add(Weft.spawn(() -> {
                        for (int i = 0; i < 100_000; i++) {
                            try (Mutex.Guard<long[]> g = counter.lock().await()) {
                                long v = g.get()[0];
                                if (i % 1_000 == 0) {
                                    Weft.yieldNow().await(); // others run while this holds the lock
                                }
                                g.get()[0] = v + 1;
                            }
                        }
                    }));
                }
                for (JoinHandle<Void> h : tasks) {
                    h.await();
                }
            }));
        }
        assertThat(counter.tryLock().orElseThrow().get()[0]).isEqualTo(400_000);
    }

    @Test
    void waitersGetTheLockInTheOrderTheyAsked() {
        Mutex<List<String>> log = new Mutex<>(Collections.synchronizedList(new ArrayList<>()));
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            List<String> order = rt.blockOn(Weft.async(() -> {
                Mutex.Guard<List<String>> held = log.lock().await();
                List<JoinHandle<Void>> waiters = new ArrayList<>();
                for (String name : List.of("a", "b", "c", "d")) {
                    waiters.add(Weft.spawn(() -> {
                        try (Mutex.Guard<List<String>> g = log.lock().await()) {
                            g.get().add(name);
                            Weft.yieldNow().await();
                        }
                    }));
                    Weft.yieldNow().await(); // this waiter queues before the next is spawned
                }
                held.close();
                for (JoinHandle<Void> h : waiters) {
                    h.await();
                }
                return log.tryLock().orElseThrow().get();
            }));
            assertThat(order).containsExactly("a", "b", "c", "d");
        }
    }

    @Test
    void aCancelledLockThatWasHandedTheMutexPassesItOn() {
        Mutex<String> m = new Mutex<>("v");
        Mutex.Guard<String> held = m.tryLock().orElseThrow();
        Probe<Mutex.Guard<String>> first = probe(m.lock());
        Probe<Mutex.Guard<String>> second = probe(m.lock());
        first.poll();
        second.poll();
        held.close();
        first.future.cancel(); // handed the lock, never saw it
        assertThat(second.wakes()).isEqualTo(1);
        @SuppressWarnings("unchecked")
        Mutex.Guard<String> g = (Mutex.Guard<String>) second.poll();
        assertThat(g.get()).isEqualTo("v");
        g.set("w");
        g.close();
        assertThat(m.isLocked()).isFalse();
        assertThat(m.tryLock().orElseThrow().get()).isEqualTo("w");
    }

    @Test
    void aCancelledQueuedLockLeavesTheLineWithoutBeingWoken() {
        Mutex<String> m = new Mutex<>("v");
        Mutex.Guard<String> held = m.tryLock().orElseThrow();
        Probe<Mutex.Guard<String>> quitter = probe(m.lock());
        Probe<Mutex.Guard<String>> next = probe(m.lock());
        quitter.poll();
        next.poll();
        quitter.future.cancel(); // still queued: nothing was handed to it
        held.close();
        assertThat(quitter.wakes()).isZero();
        assertThat(next.wakes()).isEqualTo(1);
        assertThat(next.poll()).isInstanceOf(Mutex.Guard.class);
    }

    @Test
    void cancellingALockAfterItCompletedLeavesTheGuardHeld() {
        Mutex<String> m = new Mutex<>("v");
        Probe<Mutex.Guard<String>> lock = probe(m.lock());
        @SuppressWarnings("unchecked")
        Mutex.Guard<String> g = (Mutex.Guard<String>) lock.poll();
        lock.future.cancel(); // after the hand-off: the guard is the owner's now
        assertThat(m.isLocked()).isTrue();
        assertThat(g.get()).isEqualTo("v");
        g.close();
        assertThat(m.isLocked()).isFalse();
    }

    @Test
    void aClosedGuardRefusesAccess() {
        Mutex<String> m = new Mutex<>("v");
        Mutex.Guard<String> g = m.tryLock().orElseThrow();
        assertThat(m.tryLock()).isEmpty();
        g.close();
        assertThatThrownBy(g::get).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
