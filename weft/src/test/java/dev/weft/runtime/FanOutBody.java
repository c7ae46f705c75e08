package dev.weft.runtime;

import dev.weft.Future;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;

/** The fan-out the scale tests share: spawn n tasks that each yield once and return i, join, sum. */
final class FanOutBody {
    private FanOutBody() {
    }

    /** An async block that spawns tasks 0..n-1 and sums their outputs: n(n-1)/2 when all completed. */
    static Future<Long> sumOfYieldingTasks(int n) {
        return Weft.async(() -> {
            List<JoinHandle<Long>> handles = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long v = i;
                handles.add(Weft.spawn(() -> {
                    Weft.yieldNow().await();
                    return v;
                }));
            }
            long total = 0;
            for (JoinHandle<Long> h : handles) {
                total += h.await();
            }
            return total;
        });
    }
}
