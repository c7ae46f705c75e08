package dev.weft.bench;

import dev.weft.Weft;
import dev.weft.sync.ChannelClosedException;
import dev.weft.sync.Notify;
import dev.weft.sync.Watch;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Tokio's {@code benches/sync_watch.rs} ({@code contention_resubscribe}) on Weft's runtimes
 * ({@code flavour} as in {@link WeftBench}): {@code receivers} tasks wait in {@code changed()}; on each
 * change each one borrows the value, does a little work, and counts itself done; one sender task sends
 * {@value #UPDATES} updates, each only after every receiver has handled the one before. The score is
 * ns per update, all receivers included.
 *
 * <p>{@code work=true} is Tokio's benchmark: each receiver formats ten random doubles into a string per
 * update, so the score is mostly that work spread over the workers. {@code work=false} leaves it out,
 * to show the channel's own cost: the wake-ups, the waits, and the sender's wait for the last receiver.
 */
public class WatchBench extends BenchDefaults {
    static final int UPDATES = 100;
    /** Where each receiver leaves its result when it ends, so the JIT cannot drop the work. */
    static volatile int sink;

    /** The channel and its receiver tasks, started once per trial on the trial's runtime. */
    @State(Scope.Benchmark)
    public static class Receivers {
        @Param({"10", "100"})
        public int receivers;
        @Param({"true", "false"})
        public boolean work;
        Watch<Integer> ch;
        /** Receivers that have not yet handled the current update. */
        final AtomicLong pending = new AtomicLong();
        final Notify allHandled = new Notify();

        @Setup(Level.Trial)
        public void start(WeftBench.Rt rt) {
            ch = Watch.channel(0);
            for (int n = 0; n < receivers; n++) {
                Watch.Receiver<Integer> rx = ch.sender().subscribe();
                SplittableRandom rng = new SplittableRandom(n);
                rt.rt.spawn(Weft.async(() -> receive(rx, rng)));
            }
            ch.receiver().close();
        }

        private void receive(Watch.Receiver<Integer> rx, SplittableRandom rng) {
            int acc = 0;
            try (rx) {
                while (true) {
                    rx.changed().await();
                    acc += rx.borrow();
                    if (work) {
                        acc += doWork(rng);
                    }
                    if (pending.decrementAndGet() == 0) {
                        allHandled.notifyOne();
                    }
                }
            } catch (ChannelClosedException end) {
                sink = acc;
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            ch.sender().close();
        }
    }

    /** Tokio's {@code do_work}: ten random doubles formatted into a string, its characters summed. */
    static int doWork(SplittableRandom rng) {
        StringBuilder message = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            message.append(' ').append(i).append('=').append(rng.nextDouble());
        }
        int sum = 0;
        for (int k = 0; k < message.length(); k++) {
            sum += message.charAt(k);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(UPDATES)
    public void contentionResubscribe(WeftBench.Rt rt, Receivers r) {
        rt.rt.blockOn(Weft.async(() -> Weft.spawn(() -> {
            for (int i = 0; i < UPDATES; i++) {
                if (r.pending.getAndAdd(r.receivers) != 0) {
                    throw new IllegalStateException("an update was sent before every receiver handled the last");
                }
                r.ch.sender().send(42);
                while (r.pending.get() > 0) {
                    r.allHandled.notified().await();
                }
            }
        }).await()));
    }
}
