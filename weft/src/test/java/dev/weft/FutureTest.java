package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The poll-level contract and the small combinators, driven by hand without any runtime. */
class FutureTest {
    private final AtomicInteger wakes = new AtomicInteger();
    private final Context cx = new Context(wakes::incrementAndGet);

    @Test
    void readyFutureCompletesWithItsValueIncludingNull() {
        assertThat(Future.ready("x").poll(cx)).isEqualTo("x");
        Object r = Future.ready(null).poll(cx);
        assertThat(Future.isPending(r)).isFalse();
        assertThat(r).isNull();
    }

    /** A waker that is its own context, as the runtime's tasks are. */
    private static final class SelfWakingContext extends Context implements Waker {
        int wakes;

        @Override
        public void wake() {
            wakes++;
        }
    }

    @Test
    void aContextThatIsItsOwnWakerWakesItself() {
        SelfWakingContext own = new SelfWakingContext();
        assertThat(own.waker()).isSameAs(own);
        Gate gate = new Gate();
        assertThat(gate.poll(own)).isSameAs(Future.PENDING);
        gate.open();
        assertThat(own.wakes).isEqualTo(1);
    }

    @Test
    void aContextSubclassThatIsNoWakerIsRefused() {
        assertThatThrownBy(() -> new Context() { })
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("without implementing Waker");
    }

    @Test
    void pendingIsOneSharedIdentity() {
        assertThat(Future.never().poll(cx)).isSameAs(Future.PENDING);
        assertThat(new Gate().poll(cx)).isSameAs(Future.PENDING);
        assertThat(Future.PENDING).hasToString("Pending");
    }

    @Test
    void mapAppliesTheFunctionOnlyOnceTheInnerFutureIsReady() {
        Gate gate = new Gate();
        AtomicInteger applied = new AtomicInteger();
        Future<Integer> mapped = gate.map(v -> applied.incrementAndGet());

        assertThat(mapped.poll(cx)).isSameAs(Future.PENDING);
        assertThat(applied).hasValue(0);
        gate.open();
        assertThat(wakes).hasValue(1);
        assertThat(mapped.poll(cx)).isEqualTo(1);
    }

    @Test
    void flatMapRunsTheSecondFutureAndCancelsWhicheverIsInProgress() {
        Gate first = new Gate();
        Gate second = new Gate();
        Future<Void> chained = first.flatMap(v -> second);

        assertThat(chained.poll(cx)).isSameAs(Future.PENDING);
        first.open();
        assertThat(chained.poll(cx)).isSameAs(Future.PENDING);
        assertThat(second.hasWaiter()).isTrue();
        chained.cancel();
        assertThat(second.cancelled()).isTrue();
        assertThat(first.cancelled()).isFalse();
    }

    @Test
    void failedFutureThrowsTheSameUncheckedObjectOnEveryPoll() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        Future<String> f = Future.failed(boom);
        assertThatThrownBy(() -> f.poll(cx)).isSameAs(boom);
        assertThatThrownBy(() -> f.poll(cx)).isSameAs(boom);
    }

    @Test
    void checkedFailuresAreWrappedOnceByTheJdkConvention() {
        IOException io = new IOException("disk");
        assertThatThrownBy(() -> Future.failed(io).poll(cx))
                .isInstanceOf(UncheckedIOException.class).hasCause(io);
        Exception checked = new Exception("checked");
        assertThatThrownBy(() -> Future.failed(checked).poll(cx))
                .isInstanceOf(AsyncException.class).hasCause(checked);
        AsyncException already = new AsyncException(checked);
        assertThat(AsyncException.unchecked(already)).isSameAs(already);
    }

    @Test
    void awaitOutsideAnAsyncBlockPointsAtBlockOn() {
        assertThatThrownBy(() -> Future.ready(1).await())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside an async block")
                .hasMessageContaining("Runtime.blockOn");
    }

    @Test
    void creatingAnAsyncBlockRunsNothing() {
        AtomicInteger runs = new AtomicInteger();
        Future<Integer> block = Weft.async(runs::incrementAndGet);
        assertThat(runs).hasValue(0);
        block.cancel();
        assertThat(runs).hasValue(0);
    }
}
