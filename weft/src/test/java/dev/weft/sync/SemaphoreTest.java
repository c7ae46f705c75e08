package dev.weft.sync;

import static dev.weft.sync.Polls.probe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Polls.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The semaphore's rules, polled by hand, and under contention on a runtime. */
class SemaphoreTest {

    @Test
    void permitsAreTakenAtOnceWhenFreeAndComeBackOnClose() {
        Semaphore s = new Semaphore(3);
        Probe<Semaphore.Permit> a = probe(s.acquire(2));
        Semaphore.Permit p = (Semaphore.Permit) a.poll();
        assertThat(p.count()).isEqualTo(2);
        assertThat(s.availablePermits()).isEqualTo(1);
        p.close();
        p.close(); // once only
        assertThat(s.availablePermits()).isEqualTo(3);
    }

    @Test
    void aBigWaiterIsNotOvertakenByLaterSmallOnes() {
        Semaphore s = new Semaphore(0);
        Probe<Semaphore.Permit> big = probe(s.acquire(2));
        Probe<Semaphore.Permit> small = probe(s.acquire(1));
        assertThat(big.isPendingNow()).isTrue();
        assertThat(small.isPendingNow()).isTrue();
        s.addPermits(1); // set aside for the big one, not given to the small one
        assertThat(big.wakes()).isZero();
        assertThat(small.wakes()).isZero();
        assertThat(s.tryAcquire()).as("nobody jumps the queue").isEmpty();
        s.addPermits(1);
        assertThat(big.wakes()).isEqualTo(1);
        assertThat(((Semaphore.Permit) big.poll()).count()).isEqualTo(2);
        assertThat(small.isPendingNow()).isTrue();
        s.addPermits(1);
        assertThat(small.wakes()).isEqualTo(1);
        assertThat(small.poll()).isInstanceOf(Semaphore.Permit.class);
        assertThat(s.availablePermits()).isZero();
    }

    @Test
    void aWaiterForMoreThanIsFreeTakesTheFreePermitsAtOnceAndTheReleasedOnesAfter() {
        Semaphore s = new Semaphore(3);
        Semaphore.Permit held = s.tryAcquire(2).orElseThrow();
        Probe<Semaphore.Permit> all = probe(s.acquire(3));
        assertThat(all.isPendingNow()).isTrue();
        assertThat(s.availablePermits()).as("the free one is set aside for the waiter").isZero();
        held.close();
        assertThat(all.wakes()).isEqualTo(1);
        assertThat(((Semaphore.Permit) all.poll()).count()).isEqualTo(3);
    }

    @Test
    void aCancelledWaiterPassesOnThePermitsSetAsideForIt() {
        Semaphore s = new Semaphore(0);
        Probe<Semaphore.Permit> big = probe(s.acquire(3));
        Probe<Semaphore.Permit> next = probe(s.acquire(2));
        big.poll();
        next.poll();
        s.addPermits(2); // both set aside for the big waiter
        big.future.cancel(); // queued, partly served: its two permits go to the next waiter
        assertThat(next.wakes()).isEqualTo(1);
        assertThat(((Semaphore.Permit) next.poll()).count()).isEqualTo(2);
    }

    @Test
    void aWaiterCancelledAfterTheHandOffButBeforeSeeingItNeverSwallowsIt() {
        Semaphore s = new Semaphore(1);
        Semaphore.Permit held = s.tryAcquire().orElseThrow();
        Probe<Semaphore.Permit> first = probe(s.acquire());
        Probe<Semaphore.Permit> second = probe(s.acquire());
        first.poll();
        second.poll();
        held.close(); // handed to the first waiter, which is woken...
        assertThat(first.wakes()).isEqualTo(1);
        first.future.cancel(); // ...but cancelled before its owner polled: the permit moves on
        assertThat(second.wakes()).isEqualTo(1);
        assertThat(second.poll()).isInstanceOf(Semaphore.Permit.class);
    }

    @Test
    void aWaiterCancelledAfterItTookThePermitsKeepsThem() {
        Semaphore s = new Semaphore(1);
        Probe<Semaphore.Permit> a = probe(s.acquire());
        Semaphore.Permit p = (Semaphore.Permit) a.poll();
        a.future.cancel();
        assertThat(s.availablePermits()).isZero();
        assertThat(p.count()).isEqualTo(1);
    }

    @Test
    void closingFailsWaitersAndLaterAcquiresButLeavesHeldPermitsValid() {
        Semaphore s = new Semaphore(1);
        Semaphore.Permit held = s.tryAcquire().orElseThrow();
        Probe<Semaphore.Permit> waiter = probe(s.acquire());
        waiter.poll();
        s.close();
        assertThat(waiter.wakes()).isEqualTo(1);
        assertThatThrownBy(waiter::poll).isInstanceOf(SemaphoreClosedException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> probe(s.acquire()).poll()).isInstanceOf(SemaphoreClosedException.class);
        assertThatThrownBy(s::tryAcquire).isInstanceOf(SemaphoreClosedException.class);
        held.close(); // still fine
        assertThat(s.isClosed()).isTrue();
    }

    @Test
    void badCountsAreRefused() {
        assertThatThrownBy(() -> new Semaphore(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Semaphore(1).acquire(Semaphore.MAX_PERMITS + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void atMostNTasksHoldPermitsAtOnceUnderContention() {
        Semaphore s = new Semaphore(3);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger entries = new AtomicInteger();
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            rt.blockOn(Weft.async(() -> {
                List<JoinHandle<Void>> tasks = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    tasks.add(Weft.spawn(() -> {
                        for (int i = 0; i < 2_000; i++) {
                            try (Semaphore.Permit p = s.acquire().await()) {
                                int now = inside.incrementAndGet();
                                most.accumulateAndGet(now, Math::max);
                                entries.incrementAndGet();
                                if (i % 7 == 0) {
                                    Weft.yieldNow().await(); // held across an await
                                }
                                inside.decrementAndGet();
                            }
                        }
                    }));
                }
                for (JoinHandle<Void> h : tasks) {
                    h.await();
                }
            }));
        }
        assertThat(entries.get()).isEqualTo(32_000);
        assertThat(most.get()).isBetween(1, 3);
        assertThat(s.availablePermits()).isEqualTo(3);
    }

    @Test
    void acquiringSpendsTheCooperativeBudget() {
        Semaphore s = new Semaphore(Semaphore.MAX_PERMITS);
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            int spent = rt.blockOn(Weft.async(() -> {
                Weft.yieldNow().await();
                int before = dev.weft.Coop.remaining();
                for (int i = 0; i < 5; i++) {
                    s.acquire().await().close();
                }
                return before - dev.weft.Coop.remaining();
            }));
            assertThat(spent).isEqualTo(5);
        }
    }
}
