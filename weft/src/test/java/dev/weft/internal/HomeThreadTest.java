package dev.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Gate;
import dev.weft.Waker;
import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A started async block runs only on its home thread, the one that first polled it (DESIGN.md section 2,
 * "homing"), and has one owner at a time. Breaking either rule fails at once, with a message that says
 * which threads or owners were involved.
 */
class HomeThreadTest {
    private static final Context NOOP = new Context(Waker.noop());

    private final Runtime rt = Runtime.builder().currentThread().build();

    @AfterEach
    void closeRuntime() {
        rt.close(Duration.ofSeconds(5));
    }

    @Test
    void aStartedBlockPolledFromAnotherThreadFailsNamingBothThreads() throws Exception {
        Gate gate = new Gate();
        Future<String> block = Weft.async(() -> {
            gate.await();
            return "done";
        });
        assertThat(block.poll(NOOP)).as("started here, on its home thread").isSameAs(Future.PENDING);
        String home = Thread.currentThread().getName();

        Throwable fromIntruder = onThread("intruder", () -> block.poll(NOOP));

        assertThat(fromIntruder).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("started on thread '" + home + "'")
                .hasMessageContaining("polled from thread 'intruder'");
        gate.open();
        assertThat(block.poll(NOOP)).as("it still runs on its home thread").isEqualTo("done");
    }

    @Test
    void aSuspendedBlockCancelledFromAnotherThreadFailsNamingItsHome() throws Exception {
        Gate gate = new Gate();
        Future<String> block = Weft.async(() -> {
            gate.await();
            return "done";
        });
        assertThat(block.poll(NOOP)).isSameAs(Future.PENDING);
        String home = Thread.currentThread().getName();

        Throwable fromIntruder = onThread("intruder", () -> {
            block.cancel();
            return null;
        });

        assertThat(fromIntruder).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must be cancelled on its home thread '" + home + "', not on 'intruder'");
        block.cancel();
        assertThat(gate.cancelled()).as("cancelled at home, it unwound").isTrue();
    }

    @Test
    void aBlockBeingAwaitedInlineCannotBePolledByASecondOwner() {
        Future<String> shared = Weft.async(() -> {
            Weft.yieldNow().await();
            return "shared";
        });

        Throwable secondOwner = rt.blockOn(Weft.async(() -> {
            JoinHandle<String> second = Weft.spawn(shared); // runs while the first owner is suspended in it
            assertThat(shared.await()).isEqualTo("shared");
            return catchThrowable(second::await);
        }));

        assertThat(secondOwner).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("polled while it is already running (awaited inline by another block)");
    }

    /** Runs {@code action} on a new thread with that name and returns what it threw, or null. */
    private static Throwable onThread(String name, Callable<?> action) throws Exception {
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread.ofPlatform().name(name).start(() -> thrown.complete(catchThrowable(action::call)));
        return thrown.get(10, TimeUnit.SECONDS);
    }
}
