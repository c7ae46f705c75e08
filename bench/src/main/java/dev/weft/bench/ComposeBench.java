package dev.weft.bench;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.Weft;
import dev.weft.compose.Fuse;
import dev.weft.compose.Join;
import dev.weft.compose.Select;
import dev.weft.runtime.Runtime;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Select and join, issue 7's benchmarks:
 * <ul>
 *   <li>{@code selectWakeOne}: one select over {@code branches} pending branches, already polled once;
 *       each op wakes one branch (spuriously: it stays pending) and polls the select again. This is the
 *       O(woken) claim: the cost must not grow with the number of branches. It includes the
 *       continuation resume and yield of the block the select's arms run in.</li>
 *   <li>{@code selectLoop}: a whole select per op, in a loop inside one task: {@code branches - 1}
 *       borrowed fuses that stay pending and one owned branch that is ready; what a {@code select!} in
 *       a loop costs. Its first poll polls every branch, so it grows with the branch count.</li>
 *   <li>{@code joinAll}: {@code Join.all} of {@value #JOIN} ready futures, made and polled to the end;
 *       the score is per child.</li>
 * </ul>
 */
public class ComposeBench extends BenchDefaults {
    static final int JOIN = 10_000;
    static final int LOOP = 10_000;

    /** Pending forever; remembers the waker of its latest poll. */
    static final class Pending implements Future<Integer> {
        Waker waker;

        @Override
        public Object poll(Context cx) {
            waker = cx.waker();
            return PENDING;
        }
    }

    @State(Scope.Thread)
    public static class WakeOne {
        @Param({"2", "16", "10000"})
        public int branches;
        final Context cx = new Context(Waker.noop());
        final List<Pending> pending = new ArrayList<>();
        Select<Integer> select;
        int next;

        @Setup(Level.Iteration)
        public void start() {
            pending.clear();
            select = Select.fair();
            for (int i = 0; i < branches; i++) {
                Pending p = new Pending();
                pending.add(p);
                select.on(p, v -> v);
            }
            if (select.poll(cx) != Future.PENDING) {
                throw new IllegalStateException("no branch may be ready");
            }
        }

        @TearDown(Level.Iteration)
        public void stop() {
            select.cancel();
        }
    }

    @Benchmark
    public Object selectWakeOne(WakeOne s) {
        int k = s.next;
        s.next = k + 1 == s.branches ? 0 : k + 1;
        s.pending.get(k).waker.wake();
        return s.select.poll(s.cx);
    }

    @State(Scope.Benchmark)
    public static class Loop {
        @Param({"2", "16"})
        public int branches;
        Runtime rt;
        List<Fuse<Integer>> idle;

        @Setup(Level.Trial)
        public void build() {
            rt = Runtime.builder().currentThread().build();
            idle = new ArrayList<>();
            for (int i = 0; i < branches - 1; i++) {
                idle.add(Fuse.of(new Pending()));
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            rt.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long selectLoop(Loop s) {
        return s.rt.blockOn(Weft.async(() -> {
            long sum = 0;
            for (int i = 0; i < LOOP; i++) {
                Select<Integer> sel = Select.fair();
                for (Fuse<Integer> f : s.idle) {
                    sel.onBorrowed(f, v -> v);
                }
                sum += sel.on(Future.ready(i), v -> v).await();
            }
            return sum;
        }));
    }

    @State(Scope.Thread)
    public static class Ready {
        final Context cx = new Context(Waker.noop());
        final List<Future<Integer>> futures = new ArrayList<>();

        @Setup(Level.Trial)
        public void build() {
            for (int i = 0; i < JOIN; i++) {
                futures.add(Future.ready(i));
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(JOIN)
    public Object joinAll(Ready s) {
        return Join.all(s.futures).poll(s.cx);
    }
}
