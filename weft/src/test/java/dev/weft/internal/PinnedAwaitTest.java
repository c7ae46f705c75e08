package dev.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.weft.Future;
import dev.weft.Gate;
import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An await that would have to suspend while the JVM cannot unmount the stack (DESIGN.md section 2,
 * "Pinning"): a static initializer is a native frame between the block and the await. It fails with an
 * error that names the reason, instead of blocking the thread or throwing a bare VM exception.
 *
 * <p>Each initializer below runs at most once per JVM (a failed one leaves its class unusable), so each
 * test has its own class.
 */
class PinnedAwaitTest {
    /** Kept outside the class below, which is unusable once its initializer has failed. */
    private static final Gate GATE_AWAITED_BY_INITIALIZER = new Gate();

    private final Runtime rt = Runtime.builder().currentThread().build();

    @AfterEach
    void closeRuntime() {
        rt.close(Duration.ofSeconds(5));
    }

    /** Awaits a future that is pending while it initializes. */
    static final class AwaitsPendingFuture {
        static final String STATE;

        static {
            GATE_AWAITED_BY_INITIALIZER.await();
            STATE = "initialized";
        }
    }

    /** Awaits a future that is already ready: no suspension is needed. */
    static final class AwaitsReadyFuture {
        static final int VALUE = Future.ready(7).await();
    }

    @Test
    void awaitingAPendingFutureInAStaticInitializerFailsNamingThePin() {
        ExceptionInInitializerError e = catchThrowableOfType(ExceptionInInitializerError.class,
                () -> rt.blockOn(Weft.async(() -> AwaitsPendingFuture.STATE)));

        assertThat(e.getCause()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("await() cannot suspend this async block here")
                .hasMessageContaining("a native frame is on the stack")
                .hasMessageContaining("a static initializer (<clinit>)")
                .hasMessageContaining("Move the await out of that code");
        assertThat(GATE_AWAITED_BY_INITIALIZER.cancelled()).as("the future it could not wait for is dropped").isTrue();
    }

    @Test
    void awaitingAReadyFutureInAStaticInitializerWorksBecauseNothingSuspends() {
        assertThat(rt.blockOn(Weft.async(() -> AwaitsReadyFuture.VALUE))).isEqualTo(7);
    }
}
