package dev.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code await} works only in an async block's body (DESIGN.md section 2): outside any block there is
 * nothing to suspend, and inside a {@code poll} in progress (a hand-written one, or a {@code map}
 * function) suspending would leave that poll half done. Both fail with a message that says what to do
 * instead.
 */
class MisplacedAwaitTest {
    private final Runtime rt = Runtime.builder().currentThread().build();

    @AfterEach
    void closeRuntime() {
        rt.close(Duration.ofSeconds(5));
    }

    @Test
    void awaitOutsideAnAsyncBlockFailsPointingToBlockOn() {
        IllegalStateException e = catchThrowableOfType(IllegalStateException.class, () -> Future.ready(1).await());

        assertThat(e).hasMessageContaining("await() was called outside an async block")
                .hasMessageContaining("Runtime.blockOn");
    }

    @Test
    void awaitInsideAMapFunctionFailsBecauseAPollIsInProgress() {
        Future<Integer> block = Weft.async(() -> Future.ready(20).map(x -> Future.ready(x + 1).await() * 2).await());

        IllegalStateException e = catchThrowableOfType(IllegalStateException.class, () -> rt.blockOn(block));

        assertThat(e).hasMessageContaining("await() was called while a poll() is in progress")
                .hasMessageContaining("use flatMap or an async block instead");
    }

    @Test
    void awaitInsideAHandWrittenPollFailsBecauseAPollIsInProgress() {
        Future<Integer> handWritten = cx -> Future.ready(1).await();

        IllegalStateException e = catchThrowableOfType(IllegalStateException.class, () -> rt.blockOn(handWritten));

        assertThat(e).hasMessageContaining("await() was called while a poll() is in progress")
                .hasMessageContaining("return Future.PENDING");
    }

    @Test
    void awaitInsideAHandWrittenPollAwaitedByABlockFailsTheSameWay() {
        Future<Integer> handWritten = cx -> Future.ready(1).await();

        IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                () -> rt.blockOn(Weft.async(() -> handWritten.await() + 1)));

        assertThat(e).hasMessageContaining("await() was called while a poll() is in progress");
    }
}
