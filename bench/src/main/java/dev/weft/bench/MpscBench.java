package dev.weft.bench;

import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.sync.Mpsc;
import dev.weft.sync.Oneshot;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Tokio's {@code sync_mpsc} and {@code sync_mpsc_oneshot} benchmarks on Weft's runtimes
 * ({@code flavour} as in {@link WeftBench}); ns per value sent and received:
 * <ul>
 *   <li>{@code contention*}: {@code producers} tasks share {@value #VALUES} sends into one channel
 *       that the {@code blockOn} task drains: bounded with room for everything ({@code contentionBounded}),
 *       bounded at {@value #FULL_CAPACITY} so producers wait for room ({@code contentionBoundedFull}),
 *       and unbounded;</li>
 *   <li>{@code uncontended*}: one task sends {@value #VALUES} values, then receives them;</li>
 *   <li>{@link #requestReply}: Tokio's {@code sync_mpsc_oneshot}: a server task receives requests
 *       carrying a oneshot sender on a channel of {@value #REQUEST_CAPACITY} and replies on it; the
 *       client sends {@value #REQUESTS} requests one after another (ns per request).</li>
 * </ul>
 */
public class MpscBench extends BenchDefaults {
    static final int VALUES = 5_000;
    static final int BIG_CAPACITY = 1_000_000;
    static final int FULL_CAPACITY = 100;
    static final int REQUEST_CAPACITY = 10;
    static final int REQUESTS = 1_000;

    /** How many tasks send at once. */
    @State(Scope.Benchmark)
    public static class Producers {
        @Param({"1", "4"})
        public int producers;
    }

    @Benchmark
    @OperationsPerInvocation(VALUES)
    public long contentionBounded(WeftBench.Rt rt, Producers p) {
        return contention(rt, p.producers, Mpsc.bounded(BIG_CAPACITY));
    }

    @Benchmark
    @OperationsPerInvocation(VALUES)
    public long contentionBoundedFull(WeftBench.Rt rt, Producers p) {
        return contention(rt, p.producers, Mpsc.bounded(FULL_CAPACITY));
    }

    @Benchmark
    @OperationsPerInvocation(VALUES)
    public long contentionUnbounded(WeftBench.Rt rt, Producers p) {
        return contention(rt, p.producers, Mpsc.unbounded());
    }

    private static long contention(WeftBench.Rt rt, int producers, Mpsc<Integer> ch) {
        return rt.rt.blockOn(Weft.async(() -> {
            List<JoinHandle<Void>> senders = new ArrayList<>(producers);
            for (int t = 0; t < producers; t++) {
                Mpsc.Sender<Integer> tx = ch.sender().duplicate();
                int share = VALUES / producers + (t < VALUES % producers ? 1 : 0);
                senders.add(Weft.spawn(() -> {
                    try (tx) {
                        for (int i = 0; i < share; i++) {
                            tx.send(i).await();
                        }
                    }
                }));
            }
            ch.sender().close();
            long sum = 0;
            Integer v;
            while ((v = ch.receiver().recv().await()) != null) {
                sum += v;
            }
            for (JoinHandle<Void> h : senders) {
                h.await();
            }
            return sum;
        }));
    }

    @Benchmark
    @OperationsPerInvocation(VALUES)
    public long uncontendedBounded(WeftBench.Rt rt) {
        return uncontended(rt, Mpsc.bounded(BIG_CAPACITY));
    }

    @Benchmark
    @OperationsPerInvocation(VALUES)
    public long uncontendedUnbounded(WeftBench.Rt rt) {
        return uncontended(rt, Mpsc.unbounded());
    }

    private static long uncontended(WeftBench.Rt rt, Mpsc<Integer> ch) {
        return rt.rt.blockOn(Weft.async(() -> {
            for (int i = 0; i < VALUES; i++) {
                ch.sender().send(i).await();
            }
            long sum = 0;
            for (int i = 0; i < VALUES; i++) {
                sum += ch.receiver().recv().await();
            }
            return sum;
        }));
    }

    @Benchmark
    @OperationsPerInvocation(REQUESTS)
    public long requestReply(WeftBench.Rt rt) {
        return rt.rt.blockOn(Weft.async(() -> {
            Mpsc<Oneshot.Sender<Integer>> requests = Mpsc.bounded(REQUEST_CAPACITY);
            JoinHandle<Void> server = Weft.spawn(() -> {
                Oneshot.Sender<Integer> reply;
                while ((reply = requests.receiver().recv().await()) != null) {
                    reply.send(2);
                }
            });
            long sum = 0;
            try (Mpsc.Sender<Oneshot.Sender<Integer>> tx = requests.sender()) {
                for (int i = 0; i < REQUESTS; i++) {
                    Oneshot<Integer> reply = Oneshot.channel();
                    tx.send(reply.sender()).await();
                    sum += reply.receiver().await();
                }
            }
            server.await();
            return sum;
        }));
    }
}
