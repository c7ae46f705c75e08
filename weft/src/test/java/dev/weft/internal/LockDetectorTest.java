package dev.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.weft.Future;
import dev.weft.Gate;
import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A lock held across an await is an error, found by the lock detector (DESIGN.md section 2, "Monitors
 * and j.u.c locks across an await").
 *
 * <p>The tests in this JVM rely on the default sampled mode, which checks the first
 * {@value LockDetector#FIRST_CHECKS} suspensions of every body class: each test writes its own lambda,
 * so its first suspensions are always checked. The modes themselves ({@code -Dweft.lockCheck}, read
 * once when the detector loads) are tested in forked JVMs.
 */
class LockDetectorTest {
    private final Runtime rt = Runtime.builder().currentThread().build();

    @BeforeEach
    void everyFirstCheckWalksTheHeap() {
        LockDetector.firstChecksAlwaysWalk(true); // heap walks of earlier checks must not hide these locks
    }

    @AfterEach
    void closeRuntime() {
        LockDetector.firstChecksAlwaysWalk(false);
        rt.close(Duration.ofSeconds(5));
    }

    /** A lock object whose class is easy to spot in a message. */
    static final class Ledger {
    }

    @Test
    void awaitingInsideSynchronizedFailsNamingTheMonitorAndTheFrameThatLockedIt() {
        Ledger ledger = new Ledger();
        Gate gate = new Gate();
        Future<Void> block = Weft.async(() -> {
            Weft.yieldNow().await(); // suspended once already, as most blocks are when they lock
            synchronized (ledger) {
                gate.await();
            }
        });

        IllegalStateException e = catchThrowableOfType(IllegalStateException.class, () -> rt.blockOn(block));

        assertThat(e).hasMessageStartingWith("await() would suspend this async block while it holds the monitor of "
                        + Ledger.class.getName() + "@")
                .hasMessageContaining("(synchronized, locked in ")
                .hasMessageContaining("LockDetectorTest.lambda$"
                        + "awaitingInsideSynchronizedFailsNamingTheMonitorAndTheFrameThatLockedIt$");
        assertThat(gate.cancelled()).as("the future it would have waited for is dropped").isTrue();
        assertThat(Thread.holdsLock(ledger)).as("leaving the synchronized block released it").isFalse();
    }

    @Test
    void awaitingWhileHoldingAReentrantLockFailsNamingTheLockAndTheFinallyReleasesIt() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        Gate gate = new Gate();

        IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                () -> rt.blockOn(awaitWhileHolding(lock, gate)));

        assertThat(e).hasMessageStartingWith("await() would suspend this async block while it holds "
                        + "java.util.concurrent.locks.ReentrantLock$")
                .hasMessageContaining("(a java.util.concurrent lock, held across the await at ");
        assertThat(gate.cancelled()).as("the future it would have waited for is dropped").isTrue();
        assertThat(lock.isHeldByCurrentThread()).as("the block's finally released it").isFalse();
        assertThat(CompletableFuture.supplyAsync(() -> tryLockAndRelease(lock)).get(10, TimeUnit.SECONDS))
                .as("another thread can take it").isTrue();
    }

    @Test
    void theAwaitSiteOfAReentrantLockIsTheFrameThatAwaited() {
        IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                () -> rt.blockOn(awaitWhileHolding(new ReentrantLock(), new Gate())));

        assertThat(e).hasMessageContaining("held across the await at ")
                .hasMessageContaining("LockDetectorTest.lambda$awaitWhileHolding$");
    }

    /** A block that holds {@code lock} while it awaits {@code gate}. */
    private static Future<Void> awaitWhileHolding(ReentrantLock lock, Gate gate) {
        return Weft.async(() -> {
            Weft.yieldNow().await(); // suspended once already, as most blocks are when they lock
            lock.lock();
            try {
                gate.await();
            } finally {
                lock.unlock();
            }
        });
    }

    @Test
    void aLockTakenAndReleasedBetweenAwaitsIsNotFlagged() {
        ReentrantLock lock = new ReentrantLock();
        AtomicInteger counter = new AtomicInteger();

        assertThat(rt.blockOn(incrementUnder(lock, counter, false))).isEqualTo(1);

        // The same body class, now holding the lock across an await: the detector was watching it.
        IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                () -> rt.blockOn(incrementUnder(lock, counter, true)));
        assertThat(e).hasMessageContaining("ReentrantLock");
        assertThat(counter).hasValue(1);
    }

    /** One body class for both uses: awaits before, after, and (if asked) inside its critical section. */
    private static Future<Integer> incrementUnder(ReentrantLock lock, AtomicInteger counter, boolean awaitInside) {
        return Weft.async(() -> {
            Weft.yieldNow().await();
            lock.lock();
            try {
                if (awaitInside) {
                    Weft.yieldNow().await();
                }
                counter.incrementAndGet();
            } finally {
                lock.unlock();
            }
            Weft.yieldNow().await();
            return counter.get();
        });
    }

    private static boolean tryLockAndRelease(ReentrantLock lock) {
        if (!lock.tryLock()) {
            return false;
        }
        lock.unlock();
        return true;
    }

    @ParameterizedTest(name = "-Dweft.lockCheck={0}")
    @CsvSource({
        "off,     first suspension: not flagged, past the sampled ones: not flagged",
        "sampled, first suspension: flagged,     past the sampled ones: not flagged",
        "always,  first suspension: flagged,     past the sampled ones: flagged",
    })
    void theLockCheckPropertyChoosesWhichSuspensionsAreChecked(String mode, String first, String pastSampled)
            throws Exception {
        ForkedJvm.Result child =
                ForkedJvm.run(ForkedJvm.withContinuations("-Dweft.lockCheck=" + mode), LockHeldAtTwoPoints.class);

        assertThat(child.output()).contains(first).contains(pastSampled);
        assertThat(child.exitCode()).as(child.output()).isZero();
    }

    /**
     * The child: a lock held at the first suspension of a block, then at a suspension long past the
     * first {@value LockDetector#FIRST_CHECKS} of another block. The sampled mode's one-in-
     * {@value LockDetector#SAMPLE_EVERY} check is counted per thread, and this fresh thread is far from it.
     */
    static final class LockHeldAtTwoPoints {
        public static void main(String[] args) {
            ReentrantLock lock = new ReentrantLock();
            try (Runtime rt = Runtime.builder().currentThread().build()) {
                report("first suspension", rt, Weft.async(() -> {
                    lock.lock();
                    try {
                        Weft.yieldNow().await();
                    } finally {
                        lock.unlock();
                    }
                }));
                report("past the sampled ones", rt, Weft.async(() -> {
                    for (int i = 0; i < 2 * LockDetector.FIRST_CHECKS; i++) {
                        Weft.yieldNow().await();
                    }
                    lock.lock();
                    try {
                        Weft.yieldNow().await();
                    } finally {
                        lock.unlock();
                    }
                }));
            }
        }

        private static void report(String label, Runtime rt, Future<Void> block) {
            try {
                rt.blockOn(block);
                System.out.println(label + ": not flagged");
            } catch (IllegalStateException e) {
                System.out.println(label + ": flagged (" + e.getMessage() + ")");
            }
        }
    }
}
