package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Gate;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** LocalSet and spawnLocal: tasks polled only on the thread that drives the set. */
class LocalSetTest {

    private static Runtime twoWorkers() {
        return Runtime.builder().multiThread().workerThreads(2).name("ls").build();
    }

    @Test
    void localTasksWokenFromOtherThreadsArePolledOnlyOnTheDrivingThread() {
        Set<Thread> pollThreads = ConcurrentHashMap.newKeySet();
        try (Runtime rt = twoWorkers()) {
            LocalSet local = new LocalSet();
            Thread driver = rt.blockOn(rt.spawn(local.runUntil(Weft.async(() -> {
                List<JoinHandle<Void>> handles = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    Gate gate = new Gate();
                    handles.add(Weft.spawnLocal(new ThreadRecorder(gate, pollThreads)));
                    gate.openFromAnotherThread(); // woken from a thread of no runtime at all
                }
                for (JoinHandle<Void> h : handles) {
                    h.await();
                }
                return Thread.currentThread();
            }))));
            assertThat(pollThreads).containsExactly(driver);
        }
    }

    /** A hand-written future (never homed by itself) that records the thread of every poll. */
    private static final class ThreadRecorder implements Future<Void> {
        private final Gate gate;
        private final Set<Thread> threads;

        ThreadRecorder(Gate gate, Set<Thread> threads) {
            this.gate = gate;
            this.threads = threads;
        }

        @Override
        public Object poll(Context cx) {
            threads.add(Thread.currentThread());
            return gate.poll(cx);
        }
    }

    @Test
    void tasksLeftWhenRunUntilEndsRunAtTheNextDrive() {
        try (Runtime rt = twoWorkers()) {
            LocalSet local = new LocalSet();
            Gate gate = new Gate();
            AtomicReference<JoinHandle<String>> left = new AtomicReference<>();
            rt.blockOn(local.runUntil(Weft.async(() -> {
                left.set(Weft.spawnLocal(Weft.async(() -> {
                    gate.await();
                    return "ran on " + Thread.currentThread().getName();
                })));
            })));
            assertThat(left.get().isFinished()).isFalse();
            gate.open();
            String result = rt.blockOn(local.runUntil(left.get()));
            assertThat(result).isEqualTo("ran on " + Thread.currentThread().getName()); // blockOn's thread drove it
        }
    }

    @Test
    void aSetIsBoundToTheFirstThreadThatDrivesIt() throws Exception {
        try (Runtime rt = twoWorkers()) {
            LocalSet local = new LocalSet();
            rt.blockOn(local.runUntil(Future.ready(1)));
            Throwable elsewhere = OtherThread.failureOf("other-thread", () -> rt.blockOn(local.runUntil(Future.ready(2))));
            assertThat(elsewhere).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("bound to thread '" + Thread.currentThread().getName() + "'")
                    .hasMessageContaining("'other-thread'");
        }
    }

    @Test
    void spawnLocalWithoutADrivenSetFailsAndSaysWhatToDo() {
        try (Runtime rt = twoWorkers()) {
            assertThatThrownBy(() -> rt.blockOn(rt.spawn(Weft.async(() -> Weft.spawnLocal(Future.ready(1))))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no LocalSet is being driven");
        }
        assertThatThrownBy(() -> new LocalSet().spawnLocal(Future.ready(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("never been driven");
    }

    @Test
    void closingTheRuntimeCancelsLocalTasksThroughTheDriver() {
        Gate never = new Gate();
        AtomicReference<String> cleanup = new AtomicReference<>();
        Runtime rt = twoWorkers();
        LocalSet local = new LocalSet();
        rt.spawn(local.runUntil(Weft.async(() -> {
            Weft.spawnLocal(Weft.async(() -> {
                try {
                    never.await();
                } finally {
                    cleanup.set(Thread.currentThread().getName());
                }
            }));
            Future.never().await();
        })));
        rt.blockOn(Weft.async(() -> {
            while (!never.hasWaiter()) {
                Weft.yieldNow().await();
            }
        }));
        rt.close();
        assertThat(cleanup.get()).startsWith("ls-worker-");
        assertThat(rt.handle().tasks()).isEmpty();
    }
}
