package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The two patterns of guide chapter 5, as written there: the compute bridge and two runtimes. */
class GuideChapterFiveTest {

    @Test
    void computationRunsOnTheCommonPoolFromAnAsyncBlock() {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("compute").build()) {
            long sum = rt.blockOn(rt.spawn(Weft.async(() -> {
                Thread worker = Thread.currentThread();
                long s = Weft.blockInPlace(() -> LongStream.rangeClosed(1, 2_000_000).parallel().map(i -> i % 7).sum());
                assertThat(Thread.currentThread()).isSameAs(worker); // the block came back to its worker
                return s;
            })));
            assertThat(sum).isEqualTo(LongStream.rangeClosed(1, 2_000_000).map(i -> i % 7).sum());
        }
    }

    @Test
    void aTaskOnOneRuntimeAwaitsWorkHandedToAnother() {
        try (Runtime bulk = Runtime.builder().multiThread().workerThreads(2).name("bulk").build();
                Runtime interactive = Runtime.builder().multiThread().workerThreads(1).name("interactive").build()) {
            String result = bulk.blockOn(bulk.spawn(Weft.async(() -> {
                JoinHandle<String> answer = interactive.handle().spawn(Weft.async(() -> Thread.currentThread().getName()));
                return Thread.currentThread().getName() + " awaited " + answer.await();
            })));
            assertThat(result).matches("bulk-worker-\\d awaited interactive-worker-0");
        }
    }
}
