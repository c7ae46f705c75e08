package dev.weft.bench;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.Weft;
import dev.weft.compose.FuturesUnordered;
import dev.weft.runtime.JoinSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * FuturesUnordered and JoinSet throughput (the [compose] issue), ns per output:
 * <ul>
 *   <li>{@link #readyDrain}: push {@value #N} ready futures, then take every output (push, one member
 *       poll and an O(1) removal per output; polled by hand, no runtime);</li>
 *   <li>{@link #wakeOneOfMany}: a set of {@value #MANY} pending members; each op wakes one member
 *       from the middle, takes its output and pushes a replacement: what one wake costs in a large
 *       set (polled by hand);</li>
 *   <li>{@link #asyncBlocks}: {@value #N} async blocks that each yield once, driven by one task
 *       through a set, on Weft's runtimes ({@code flavour} as in {@link WeftBench});</li>
 *   <li>{@link #joinSet}: {@value #N} tasks spawned into a JoinSet and joined.</li>
 * </ul>
 */
public class FuturesUnorderedBench extends BenchDefaults {
    static final int N = 1_000;
    static final int MANY = 10_000;

    private static final Context NOOP = new Context(Waker.noop());

    /** A member that is pending until {@link #fire()}, which wakes the waker of its latest poll. */
    static final class Trigger implements Future<Integer> {
        final int id;
        boolean fired;
        Waker waker;

        Trigger(int id) {
            this.id = id;
        }

        @Override
        public Object poll(Context cx) {
            if (fired) {
                return id;
            }
            waker = cx.waker();
            return PENDING;
        }

        void fire() {
            fired = true;
            waker.wake();
        }
    }

    /** A set of {@value #MANY} triggers, all polled once and pending. */
    @State(Scope.Thread)
    public static class Many {
        FuturesUnordered<Integer> set;
        Trigger[] members;
        int next;

        @Setup
        public void fill() {
            set = new FuturesUnordered<>();
            members = new Trigger[MANY];
            for (int i = 0; i < MANY; i++) {
                members[i] = new Trigger(i);
                set.push(members[i]);
            }
            while (set.pollNext(NOOP) == Future.PENDING && members[MANY - 1].waker == null) {
                // first polls: every member registers its waker
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long readyDrain() {
        FuturesUnordered<Integer> set = new FuturesUnordered<>();
        for (int i = 0; i < N; i++) {
            set.push(Future.ready(i));
        }
        long sum = 0;
        while (!set.isEmpty()) {
            sum += (Integer) set.pollNext(NOOP);
        }
        return sum;
    }

    @Benchmark
    public Object wakeOneOfMany(Many m) {
        int i = m.next;
        m.next = (i + 7_919) % MANY; // spread over the set, not always the most recent push
        m.members[i].fire();
        Object out = m.set.pollNext(NOOP);
        Trigger replacement = new Trigger(i);
        m.members[i] = replacement;
        m.set.push(replacement);
        m.set.pollNext(NOOP); // its first poll: pending, waker registered
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long asyncBlocks(WeftBench.Rt rt) {
        return rt.rt.blockOn(Weft.async(() -> {
            long sum = 0;
            try (FuturesUnordered<Integer> set = new FuturesUnordered<>()) {
                for (int i = 0; i < N; i++) {
                    int v = i;
                    set.push(Weft.async(() -> {
                        Weft.yieldNow().await();
                        return v;
                    }));
                }
                while (!set.isEmpty()) {
                    sum += set.next().await();
                }
            }
            return sum;
        }));
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long joinSet(WeftBench.Rt rt) {
        return rt.rt.blockOn(Weft.async(() -> {
            long sum = 0;
            try (JoinSet<Integer> set = new JoinSet<>()) {
                for (int i = 0; i < N; i++) {
                    set.spawn(Future.ready(i));
                }
                while (!set.isEmpty()) {
                    sum += set.joinNext().await();
                }
            }
            return sum;
        }));
    }
}
