package dev.weft.bench;

import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.sync.Mutex;
import dev.weft.sync.Oneshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * Tokio's sync benchmarks that the [sync] issue names, on Weft's runtimes ({@code flavour} as in
 * {@link WeftBench}). ns per operation:
 * <ul>
 *   <li>{@link #mutexContended}: 4 tasks each lock a fair {@link Mutex} and increment a counter 100,000
 *       times (Tokio's contended {@code sync_mutex}: 92-94 ns per lock with 4 tasks);</li>
 *   <li>{@link #pingPong}: Tokio's {@code ping_pong} from {@code rt_multi_threaded.rs}: 1,000 tasks,
 *       each spawns a peer and sends it a ping over a oneshot, and waits for the pong on another
 *       (Tokio: 351-450 ns per ping).</li>
 * </ul>
 */
public class SyncBench extends BenchDefaults {
    static final int MUTEX_TASKS = 4;
    static final int INCREMENTS = 100_000;
    static final int PINGS = 1_000;

    @Benchmark
    @OperationsPerInvocation(MUTEX_TASKS * INCREMENTS)
    public long mutexContended(WeftBench.Rt rt) {
        Mutex<long[]> counter = new Mutex<>(new long[1]);
        return rt.rt.blockOn(Weft.async(() -> {
            List<JoinHandle<Void>> tasks = new ArrayList<>(MUTEX_TASKS);
            for (int t = 0; t < MUTEX_TASKS; t++) {
                tasks.add(Weft.spawn(() -> {
                    for (int i = 0; i < INCREMENTS; i++) {
                        try (Mutex.Guard<long[]> g = counter.lock().await()) {
                            g.get()[0]++;
                        }
                    }
                }));
            }
            for (JoinHandle<Void> h : tasks) {
                h.await();
            }
            try (Mutex.Guard<long[]> g = counter.lock().await()) {
                return g.get()[0];
            }
        }));
    }

    @Benchmark
    @OperationsPerInvocation(PINGS)
    public void pingPong(WeftBench.Rt rt) {
        Countdown done = new Countdown(PINGS);
        AtomicInteger failures = new AtomicInteger();
        rt.rt.spawn(Weft.async(() -> {
            for (int i = 0; i < PINGS; i++) {
                Weft.spawn(() -> {
                    Oneshot<Boolean> ping = Oneshot.channel();
                    Oneshot<Boolean> pong = Oneshot.channel();
                    Weft.spawn(() -> {
                        ping.receiver().await();
                        pong.sender().send(true);
                    });
                    ping.sender().send(true);
                    if (!pong.receiver().await()) {
                        failures.incrementAndGet();
                    }
                    done.countDown();
                });
            }
        }));
        rt.rt.blockOn(done);
        if (failures.get() != 0) {
            throw new IllegalStateException("a pong was lost");
        }
    }
}
