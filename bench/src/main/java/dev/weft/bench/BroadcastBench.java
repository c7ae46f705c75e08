package dev.weft.bench;

import dev.weft.Weft;
import dev.weft.sync.Broadcast;
import dev.weft.sync.Notify;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Tokio's {@code benches/sync_broadcast.rs} ({@code contention}) on Weft's runtimes ({@code flavour}
 * as in {@link WeftBench}; Tokio runs it on 6 workers, here the multi-thread runtime has 2). For the
 * whole trial, {@code receivers} tasks (10 or 100) each loop: receive a value from a
 * {@link Broadcast} channel of capacity 1,000, do a little work (format ten random doubles into a
 * string and add up its characters, Tokio's {@code do_work}), and count down a shared counter, the
 * last one notifying the sender. The benchmark sends {@value #SENDS} values, one at a time, each only
 * after every receiver has handled the one before.
 *
 * <p>Score: ns per value sent, which covers waking every receiver, their receives and work, and the
 * sender's wake-up. Divide by {@code receivers} for the cost per value received.
 */
public class BroadcastBench extends BenchDefaults {
    static final int SENDS = 100;
    static final int CAPACITY = 1_000;

    /** The channel and its receiving tasks, which live for the whole trial. */
    @State(Scope.Benchmark)
    public static class Fanout {
        @Param({"10", "100"})
        public int receivers;
        Broadcast.Sender<Integer> tx;
        /** Receivers that have yet to handle the value in flight. */
        final AtomicInteger pending = new AtomicInteger();
        final Notify allHandled = new Notify();

        @Setup(Level.Trial)
        public void start(WeftBench.Rt rt) {
            tx = Broadcast.<Integer>channel(CAPACITY).sender();
            for (int n = 0; n < receivers; n++) {
                Broadcast.Receiver<Integer> rx = tx.subscribe();
                SplittableRandom rng = new SplittableRandom(n);
                rt.rt.spawn(Weft.async(() -> {
                    try (rx) {
                        int sink = 0;
                        while (rx.recv().await() != null) {
                            sink += work(rng);
                            if (pending.decrementAndGet() == 0) {
                                allHandled.notifyOne();
                            }
                        }
                        return sink;
                    }
                }));
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            tx.close(); // the receivers see null and end
        }
    }

    /** Tokio's {@code do_work}: ten random doubles formatted into a string, its characters summed. */
    static int work(SplittableRandom rng) {
        StringBuilder message = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            message.append(' ').append(i).append('=').append(rng.nextDouble());
        }
        int sum = 0;
        for (int i = 0; i < message.length(); i++) {
            sum += message.charAt(i);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(SENDS)
    public void contention(WeftBench.Rt rt, Fanout f) {
        rt.rt.blockOn(Weft.async(() -> {
            for (int i = 0; i < SENDS; i++) {
                if (f.pending.getAndAdd(f.receivers) != 0) {
                    throw new IllegalStateException("a receiver is still handling the previous value");
                }
                f.tx.send(i);
                while (f.pending.get() > 0) {
                    f.allHandled.notified().await();
                }
            }
        }));
    }
}
