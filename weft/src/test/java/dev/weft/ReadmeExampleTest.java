package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import org.junit.jupiter.api.Test;

/** The README's example, verbatim apart from the print: the front door must not lie. */
class ReadmeExampleTest {

    static Future<Long> slowSquare(long n) {
        return Weft.async(() -> n * n);
    }

    @Test
    void readmeExampleSumsTwoSpawnedSquares() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            long total = rt.blockOn(Weft.async(() -> {
                JoinHandle<Long> a = Weft.spawn(() -> slowSquare(20).await());  // runs concurrently
                JoinHandle<Long> b = Weft.spawn(() -> slowSquare(22).await());
                Weft.yieldNow().await();             // let the spawned tasks run
                return a.await() + b.await();        // suspends here until both are done
            }));
            assertThat(total).isEqualTo(884);
        }
    }
}
