package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mutex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** Guide chapter 7's lesson: a plain lock with no await inside; the async Mutex across awaits. */
class GuideChapterSevenTest {

    @Test
    void aPlainLockGuardsAShortSectionWithNoAwaitInside() {
        Object lock = new Object();
        Map<String, Integer> hits = new HashMap<>();
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            rt.blockOn(Weft.async(() -> {
                List<JoinHandle<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < 1_000; i++) {
                    String page = "page-" + (i % 10);
                    tasks.add(Weft.spawn(() -> {
                        Weft.yieldNow().await(); // the await is outside the lock
                        synchronized (lock) {
                            hits.merge(page, 1, Integer::sum);
                        }
                    }));
                }
                for (JoinHandle<Void> t : tasks) {
                    t.await();
                }
            }));
        }
        assertThat(hits).hasSize(10).allSatisfy((page, n) -> assertThat(n).isEqualTo(100));
    }

    @Test
    void anAsyncMutexIsHeldAcrossAwaitsAndAPlainLockThereIsRefused() {
        Mutex<List<String>> conversation = new Mutex<>(new ArrayList<>());
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            rt.blockOn(Weft.async(() -> {
                List<JoinHandle<Void>> tasks = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    String who = "t" + t;
                    tasks.add(Weft.spawn(() -> {
                        try (Mutex.Guard<List<String>> g = conversation.lock().await()) {
                            g.get().add(who + " request");
                            Weft.yieldNow().await(); // the exchange spans awaits; nobody cuts in
                            g.get().add(who + " reply");
                        }
                    }));
                }
                for (JoinHandle<Void> t : tasks) {
                    t.await();
                }
            }));
            List<String> log = conversation.tryLock().orElseThrow().get();
            for (int i = 0; i < log.size(); i += 2) {
                String who = log.get(i).split(" ")[0];
                assertThat(log.get(i + 1)).isEqualTo(who + " reply");
            }
            // The mistake the chapter warns about: a plain lock held across an await is refused.
            ReentrantLock plain = new ReentrantLock();
            assertThatThrownBy(() -> rt.blockOn(rt.spawn(Weft.async(() -> {
                plain.lock();
                try {
                    Weft.yieldNow().await();
                } finally {
                    plain.unlock();
                }
            })))).isInstanceOf(IllegalStateException.class).hasMessageContaining("ReentrantLock");
        }
    }
}
