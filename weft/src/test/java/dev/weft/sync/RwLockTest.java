package dev.weft.sync;

import static dev.weft.sync.Polls.probe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Polls.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The reader-writer lock: shared reads, exclusive writes, and no writer starvation. */
class RwLockTest {

    @Test
    void readersShareAndAWriterExcludesThem() {
        RwLock<String> lock = new RwLock<>("v");
        RwLock.ReadGuard<String> r1 = lock.tryRead().orElseThrow();
        RwLock.ReadGuard<String> r2 = lock.tryRead().orElseThrow();
        assertThat(r1.get()).isEqualTo("v");
        assertThat(lock.tryWrite()).isEmpty();
        r1.close();
        r2.close();
        RwLock.WriteGuard<String> w = lock.tryWrite().orElseThrow();
        assertThat(lock.tryRead()).isEmpty();
        w.set("w");
        w.close();
        assertThat(lock.tryRead().orElseThrow().get()).isEqualTo("w");
    }

    @Test
    void aWaitingWriterIsNotStarvedByLaterReaders() {
        RwLock<Integer> lock = new RwLock<>(0);
        RwLock.ReadGuard<Integer> early = lock.tryRead().orElseThrow();
        Probe<RwLock.WriteGuard<Integer>> writer = probe(lock.write());
        assertThat(writer.isPendingNow()).isTrue();
        assertThat(lock.tryRead()).as("a reader asking after the writer waits behind it").isEmpty();
        Probe<RwLock.ReadGuard<Integer>> late = probe(lock.read());
        assertThat(late.isPendingNow()).isTrue();
        early.close();
        assertThat(writer.wakes()).isEqualTo(1);
        @SuppressWarnings("unchecked")
        RwLock.WriteGuard<Integer> w = (RwLock.WriteGuard<Integer>) writer.poll();
        assertThat(late.wakes()).isZero();
        w.set(1);
        w.close();
        assertThat(late.wakes()).isEqualTo(1);
        @SuppressWarnings("unchecked")
        RwLock.ReadGuard<Integer> r = (RwLock.ReadGuard<Integer>) late.poll();
        assertThat(r.get()).isEqualTo(1);
    }

    @Test
    void aCancelledWaitingWriterLetsTheReadersBehindItIn() {
        RwLock<Integer> lock = new RwLock<>(0);
        RwLock.ReadGuard<Integer> early = lock.tryRead().orElseThrow();
        Probe<RwLock.WriteGuard<Integer>> writer = probe(lock.write());
        Probe<RwLock.ReadGuard<Integer>> reader = probe(lock.read());
        writer.poll();
        reader.poll();
        writer.future.cancel();
        assertThat(reader.wakes()).isEqualTo(1);
        assertThat(reader.poll()).isInstanceOf(RwLock.ReadGuard.class);
        early.close();
    }

    @Test
    void writersNeverOverlapWithReadersOrEachOtherUnderContention() {
        RwLock<int[]> lock = new RwLock<>(new int[2]); // [readers inside, writers inside]
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger readersInside = new AtomicInteger();
        AtomicInteger writersInside = new AtomicInteger();
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            rt.blockOn(Weft.async(() -> {
                List<JoinHandle<Void>> tasks = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    boolean writer = t % 4 == 0;
                    tasks.add(Weft.spawn(() -> {
                        for (int i = 0; i < 2_000; i++) {
                            if (writer) {
                                try (RwLock.WriteGuard<int[]> g = lock.write().await()) {
                                    if (writersInside.incrementAndGet() != 1 || readersInside.get() != 0) {
                                        violations.incrementAndGet();
                                    }
                                    Weft.yieldNow().await();
                                    writersInside.decrementAndGet();
                                }
                            } else {
                                try (RwLock.ReadGuard<int[]> g = lock.read().await()) {
                                    readersInside.incrementAndGet();
                                    if (writersInside.get() != 0) {
                                        violations.incrementAndGet();
                                    }
                                    Weft.yieldNow().await();
                                    readersInside.decrementAndGet();
                                }
                            }
                        }
                    }));
                }
                for (JoinHandle<Void> h : tasks) {
                    h.await();
                }
            }));
        }
        assertThat(violations.get()).isZero();
        assertThat(lock.tryWrite()).isPresent();
    }
}
