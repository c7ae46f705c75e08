package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.time.ElapsedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** JoinSet: outputs in finishing order, failures, aborts, close, shutdown, detach. */
class JoinSetTest {

    /** A task body that sleeps {@code secs} (paused clock) and returns them. */
    private static Future<Integer> sleeper(int secs) {
        return Weft.async(() -> {
            Weft.sleep(Duration.ofSeconds(secs)).await();
            return secs;
        });
    }

    /** A task that waits forever and counts {@code cleanedUp} down in its finally block. */
    private static Future<Integer> waitsForever(CountDownLatch started, CountDownLatch cleanedUp) {
        return Weft.async(() -> {
            try {
                started.countDown();
                Future.<Integer>never().await();
                return -1;
            } finally {
                cleanedUp.countDown();
            }
        });
    }

    @Test
    void joinNextReturnsOutputsInTheOrderTheTasksFinish() {
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
            List<Integer> order = rt.blockOn(Weft.async(() -> {
                try (JoinSet<Integer> set = new JoinSet<>()) {
                    for (int secs : new int[] {3, 1, 2}) {
                        set.spawn(sleeper(secs));
                    }
                    List<Integer> out = new ArrayList<>();
                    for (Integer v; (v = set.joinNext().await()) != null; ) {
                        out.add(v);
                    }
                    return out;
                }
            }));
            assertThat(order).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aFailedTaskThrowsItsFailureFromJoinNextAndTheOthersStay() {
        IllegalStateException boom = new IllegalStateException("boom");
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
            List<Object> seen = rt.blockOn(Weft.async(() -> {
                try (JoinSet<Integer> set = new JoinSet<>()) {
                    set.spawn(sleeper(2));
                    set.spawn(() -> {
                        Weft.sleep(Duration.ofSeconds(1)).await();
                        throw boom;
                    });
                    List<Object> out = new ArrayList<>();
                    try {
                        set.joinNext().await();
                    } catch (IllegalStateException e) {
                        out.add(e);
                        out.add(set.size());
                    }
                    out.add(set.joinNext().await());
                    return out;
                }
            }));
            assertThat(seen).containsExactly(boom, 1, 2);
            assertThat(boom.getSuppressed()).hasAtLeastOneElementOfType(AsyncTrace.class);
        }
    }

    @Test
    void abortAllKeepsTheTasksInTheSetAndJoinNextReportsEachAsCancelled() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch cleanedUp = new CountDownLatch(2);
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            int cancelled = rt.blockOn(Weft.async(() -> {
                try (JoinSet<Integer> set = new JoinSet<>()) {
                    set.spawn(waitsForever(started, cleanedUp));
                    set.spawn(waitsForever(started, cleanedUp));
                    Weft.blockInPlace(() -> started.await(10, TimeUnit.SECONDS));
                    set.abortAll();
                    int n = 0;
                    while (!set.isEmpty()) {
                        try {
                            set.joinNext().await();
                        } catch (CancellationException expected) {
                            n++;
                        }
                    }
                    return n;
                }
            }));
            assertThat(cancelled).isEqualTo(2);
            assertThat(cleanedUp.getCount()).as("unwound before joinNext reported them").isZero();
        }
    }

    @Test
    void closingTheSetAbortsEveryTaskAndTheirFinallyBlocksRun() throws Exception {
        int n = 50;
        CountDownLatch started = new CountDownLatch(n);
        CountDownLatch cleanedUp = new CountDownLatch(n);
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            JoinSet<Integer> set = new JoinSet<>();
            for (int i = 0; i < n; i++) {
                set.spawnOn(rt.handle(), waitsForever(started, cleanedUp));
            }
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            set.close();
            assertThat(cleanedUp.await(10, TimeUnit.SECONDS)).as("every task's finally ran").isTrue();
            assertThat(set.isEmpty()).isTrue();
            assertThatThrownBy(() -> set.spawnOn(rt.handle(), Future.ready(1)))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void shutdownAbortsAndWaitsForTheUnwindingThenReportsAFailure() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch cleanedUp = new CountDownLatch(1);
        IllegalStateException boom = new IllegalStateException("boom");
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            JoinSet<Integer> set = new JoinSet<>();
            set.spawnOn(rt.handle(), waitsForever(started, cleanedUp));
            set.spawnOn(rt.handle(), Weft.async(() -> {
                started.countDown(); // running: an abort from here on no longer stops it from failing
                throw boom;
            }));
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> rt.blockOn(set.shutdown())).isSameAs(boom);
            assertThat(cleanedUp.getCount()).isZero();
            assertThat(set.isEmpty()).isTrue();
        }
    }

    @Test
    void detachAllEmptiesTheSetAndTheTasksRunOn() {
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
            List<String> log = new ArrayList<>();
            rt.blockOn(Weft.async(() -> {
                try (JoinSet<Void> set = new JoinSet<>()) {
                    set.spawn(() -> {
                        Weft.sleep(Duration.ofSeconds(1)).await();
                        log.add("ran to the end");
                        return null;
                    });
                    set.detachAll();
                    log.add("size " + set.size());
                }
                Weft.sleep(Duration.ofSeconds(2)).await();
                return null;
            }));
            assertThat(log).containsExactly("size 0", "ran to the end");
        }
    }

    @Test
    void cancellingAPendingJoinNextLosesNoOutput() {
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
            List<String> seen = rt.blockOn(Weft.async(() -> {
                try (JoinSet<Integer> set = new JoinSet<>()) {
                    set.spawn(sleeper(2));
                    List<String> out = new ArrayList<>();
                    try {
                        Weft.timeout(Duration.ofSeconds(1), set.joinNext()).await();
                    } catch (ElapsedException e) {
                        out.add("timed out, size " + set.size());
                    }
                    out.add("got " + set.joinNext().await());
                    return out;
                }
            }));
            assertThat(seen).containsExactly("timed out, size 1", "got 2");
        }
    }

    @Test
    void anAbortHandleFromSpawnAbortsThatTaskOnly() {
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
            List<Object> seen = rt.blockOn(Weft.async(() -> {
                try (JoinSet<Integer> set = new JoinSet<>()) {
                    AbortHandle slow = set.spawn(sleeper(5));
                    set.spawn(sleeper(1));
                    slow.abort();
                    List<Object> out = new ArrayList<>();
                    while (!set.isEmpty()) {
                        try {
                            out.add(set.joinNext().await());
                        } catch (CancellationException e) {
                            out.add("aborted");
                        }
                    }
                    return out;
                }
            }));
            assertThat(seen).containsExactlyInAnyOrder("aborted", 1);
        }
    }

    @Test
    void spawnBlockingTasksJoinLikeTheOthers() {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            int sum = rt.blockOn(Weft.async(() -> {
                try (JoinSet<Integer> set = new JoinSet<>()) {
                    for (int i = 1; i <= 10; i++) {
                        int v = i;
                        set.spawnBlocking(() -> v);
                    }
                    int s = 0;
                    while (!set.isEmpty()) {
                        s += set.joinNext().await();
                    }
                    return s;
                }
            }));
            assertThat(sum).isEqualTo(55);
        }
    }
}
