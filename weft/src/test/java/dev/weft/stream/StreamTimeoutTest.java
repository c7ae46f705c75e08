package dev.weft.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mpsc;
import dev.weft.time.ElapsedException;
import dev.weft.time.Instant;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The per-item timeout on the paused clock: virtual time, exact instants, both runtime flavours. */
class StreamTimeoutTest {

    static Runtime paused(String flavour) {
        Runtime.Builder b = flavour.equals("currentThread") ? Runtime.builder().currentThread()
                : Runtime.builder().multiThread().workerThreads(2);
        return b.startPaused(true).build();
    }

    /** Sends {@code 0, 1, ...}, each after its gap, then closes the channel. */
    static void produce(Mpsc.Sender<Integer> tx, Duration... gaps) {
        Weft.spawn(() -> {
            try (tx) {
                for (int i = 0; i < gaps.length; i++) {
                    Weft.sleep(gaps[i]).await();
                    tx.send(i).await();
                }
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"currentThread", "multiThread"})
    void aSeriesOfItemsEachWithinTheLimitNeverFailsHoweverLongItTakes(String flavour) {
        try (Runtime rt = paused(flavour)) {
            Duration took = rt.blockOn(Weft.async(() -> {
                Instant start = Instant.now();
                Mpsc<Integer> ch = Mpsc.unbounded();
                Duration gap = Duration.ofMillis(900);
                produce(ch.sender(), gap, gap, gap, gap, gap);
                assertThat(Stream.from(ch.receiver()).timeout(Duration.ofSeconds(1)).toList().await())
                        .containsExactly(0, 1, 2, 3, 4);
                return start.elapsed();
            }));
            assertThat(took).as("4.5 s in all: the limit starts again for every item")
                    .isEqualTo(Duration.ofMillis(4_500));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"currentThread", "multiThread"})
    void aSlowItemFailsTheStreamOneLimitAfterItWasAskedForAndReleasesTheUpstream(String flavour) {
        try (Runtime rt = paused(flavour)) {
            rt.blockOn(Weft.async(() -> {
                Mpsc<Integer> ch = Mpsc.unbounded();
                Mpsc.Sender<Integer> tx = ch.sender();
                produce(tx.duplicate(), Duration.ofMillis(500), Duration.ofSeconds(5));
                Stream<Integer> s = Stream.from(ch.receiver()).timeout(Duration.ofSeconds(1));
                assertThat(s.next().await()).isEqualTo(0);
                Instant asked = Instant.now();
                assertThatThrownBy(() -> s.next().await()).isInstanceOf(ElapsedException.class)
                        .hasMessageContaining("1000 ms");
                assertThat(asked.elapsed()).isEqualTo(Duration.ofSeconds(1));
                assertThat(tx.isReceiverClosed()).as("the receiver stream was cancelled").isTrue();
                assertThat(s.next().await()).as("ended").isNull();
                tx.close();
            }));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"currentThread", "multiThread"})
    void theConsumersOwnTimeBetweenItemsDoesNotCount(String flavour) {
        try (Runtime rt = paused(flavour)) {
            List<Integer> got = rt.blockOn(Weft.async(() -> {
                Stream<Integer> s = Stream.of(1, 2, 3).timeout(Duration.ofSeconds(1));
                return s.then(x -> Weft.sleep(Duration.ofSeconds(5)).map(v -> x)).toList().await();
            }));
            assertThat(got).containsExactly(1, 2, 3);
        }
    }
}
