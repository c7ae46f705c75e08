package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Future;
import dev.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** close(), shutdownBackground(), and what they promise about unwinding. */
class ShutdownTest {

    @Test
    void closeUnwindsOneHundredThousandSuspendedTasksWithinFiveSeconds() {
        int n = 100_000;
        AtomicInteger finallies = new AtomicInteger();
        Runtime rt = Runtime.builder().currentThread().build();
        rt.blockOn(Weft.async(() -> {
            for (int i = 0; i < n; i++) {
                Weft.spawn(() -> {
                    try {
                        Future.never().await();
                    } finally {
                        finallies.incrementAndGet();
                    }
                });
            }
            Weft.yieldNow().await(); // behind every spawned task: all of them are suspended now
        }));
        assertThat(rt.handle().tasks()).hasSize(n);

        long start = System.nanoTime();
        rt.close(Duration.ofSeconds(5));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(finallies).hasValue(n);
        assertThat(rt.handle().tasks()).isEmpty();
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void closeLogsTasksThatOverrunTheDeadlineWithTheirStacks() {
        List<LogRecord> records = new ArrayList<>();
        Logger logger = Logger.getLogger("dev.weft.runtime");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (records) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try {
            Runtime rt = Runtime.builder().currentThread().build();
            rt.blockOn(Weft.async(() -> {
                Weft.spawn(() -> {
                    try {
                        Future.never().await();
                    } finally {
                        Weft.nonCancellable(Duration.ofSeconds(1), () -> stuckInCleanup().await()).await();
                    }
                });
                Weft.yieldNow().await();
            }));
            rt.close(Duration.ofMillis(50));
            assertThat(rt.handle().tasks()).hasSize(1);
        } finally {
            logger.removeHandler(capture);
        }
        assertThat(records).anySatisfy(r -> {
            assertThat(r.getMessage()).contains("did not finish unwinding");
            assertThat(r.getThrown().getStackTrace()).anySatisfy(
                    f -> assertThat(f.getMethodName()).contains("lambda$closeLogsTasksThatOverrun"));
        });
    }

    private static Future<Void> stuckInCleanup() {
        return Future.never();
    }

    @Test
    void closeFromInsideTheRuntimeFailsAndShutdownBackgroundWorksThere() {
        List<String> log = new ArrayList<>();
        Runtime rt = Runtime.builder().currentThread().build();
        AtomicReference<Throwable> closeInside = new AtomicReference<>();
        assertThatThrownBy(() -> rt.blockOn(Weft.async(() -> {
            Weft.spawn(() -> {
                try {
                    Future.never().await();
                } finally {
                    log.add("other task unwound");
                }
            });
            Weft.yieldNow().await(); // the other task starts (a task cancelled before its first poll never runs)
            try {
                rt.close();
            } catch (IllegalStateException e) {
                closeInside.set(e);
            }
            try {
                rt.shutdownBackground();
                Future.never().await();
            } finally {
                log.add("main unwound");
            }
        }))).isInstanceOf(CancellationException.class);
        assertThat(closeInside.get()).hasMessageContaining("shutdownBackground()");
        assertThat(log).containsExactlyInAnyOrder("other task unwound", "main unwound");
        assertThat(rt.handle().tasks()).isEmpty();
        rt.close(); // idempotent
    }

    @Test
    void closeFromAnotherThreadThanTheBoundOneFailsClearly() throws Exception {
        Runtime rt = Runtime.builder().currentThread().build();
        rt.blockOn(Future.ready(1));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                rt.close();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        assertThat(failure.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shutdownBackground()");
        rt.close();
    }
}
