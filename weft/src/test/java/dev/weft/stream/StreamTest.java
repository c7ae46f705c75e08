package dev.weft.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import dev.weft.sync.ChannelClosedException;
import dev.weft.sync.Mpsc;
import dev.weft.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sources, the single-upstream operators, consumers, failure and cancellation. */
class StreamTest {

    static <T> List<Object> drain(Stream<T> s) {
        Probe<T> p = Probe.of(s);
        List<Object> out = new ArrayList<>();
        for (Object r; (r = p.poll()) != null; ) {
            out.add(r);
        }
        return out;
    }

    @Test
    void mapFilterAndTakeKeepOrderAndEnd() {
        Stream<Integer> s = Stream.of(1, 2, 3, 4, 5, 6, 7, 8).map(x -> x * 10).filter(x -> x % 20 == 0).take(3);
        assertThat(drain(s)).containsExactly(20, 40, 60);
    }

    @Test
    void sourcesProduceTheirItemsInOrder() {
        assertThat(drain(Stream.empty())).isEmpty();
        assertThat(drain(Stream.fromIterable(List.of("a", "b")))).containsExactly("a", "b");
        assertThat(drain(Stream.iterate(1, x -> x * 2).take(5))).containsExactly(1, 2, 4, 8, 16);
        AtomicInteger n = new AtomicInteger();
        assertThat(drain(Stream.generate(n::incrementAndGet).take(3))).containsExactly(1, 2, 3);
        assertThat(n.get()).as("one supplier call per item taken, none ahead").isEqualTo(3);
    }

    @Test
    void everyStreamKeepsReturningNullAfterItsEnd() {
        Probe<Integer> p = Probe.of(Stream.of(1).map(x -> x + 1));
        assertThat(p.poll()).isEqualTo(2);
        assertThat(p.poll()).isNull();
        assertThat(p.poll()).isNull();
    }

    @Test
    void fuseMakesAHandWrittenStreamStayEnded() {
        AtomicInteger polls = new AtomicInteger();
        Stream<String> flaky = cx -> polls.incrementAndGet() == 2 ? null : "x"; // "x", end, then "x" again
        Probe<String> p = Probe.of(flaky.fuse());
        assertThat(p.poll()).isEqualTo("x");
        assertThat(p.poll()).isNull();
        assertThat(p.poll()).isNull();
        assertThat(polls.get()).as("not polled after its end").isEqualTo(2);
    }

    @Test
    void takeCancelsTheUpstreamAsSoonAsTheLastItemIsTaken() {
        ManualStream<String> up = ManualStream.of("a", "b", "c");
        Probe<String> p = Probe.of(up.take(2));
        assertThat(p.poll()).isEqualTo("a");
        assertThat(up.cancelled()).isFalse();
        assertThat(p.poll()).isEqualTo("b");
        assertThat(up.cancelled()).as("released with the last item, before the consumer asks again").isTrue();
        assertThat(p.poll()).isNull();
        assertThat(up.polls()).isEqualTo(2);
    }

    @Test
    void takeZeroReleasesTheUpstreamWithoutPollingIt() {
        ManualStream<String> up = ManualStream.of("a");
        assertThat(Probe.of(up.take(0)).poll()).isNull();
        assertThat(up.cancelled()).isTrue();
        assertThat(up.polls()).isZero();
    }

    @Test
    void thenRunsOneFutureAtATimeAndKeepsOrder() {
        List<ManualFuture<String>> made = new ArrayList<>();
        Probe<String> p = Probe.of(Stream.of(1, 2).then(x -> {
            ManualFuture<String> f = new ManualFuture<>();
            made.add(f);
            return f;
        }));
        assertThat(p.poll()).isSameAs(Future.PENDING);
        assertThat(made).hasSize(1);
        made.get(0).complete("one");
        assertThat(p.wakes()).isEqualTo(1);
        assertThat(p.poll()).isEqualTo("one");
        assertThat(p.poll()).isSameAs(Future.PENDING);
        made.get(1).complete("two");
        assertThat(p.poll()).isEqualTo("two");
        assertThat(p.poll()).isNull();
    }

    @Test
    void anUpstreamFailureIsThrownThroughTheOperatorsAndEndsTheStream() {
        ManualStream<Integer> up = ManualStream.of(1);
        IllegalStateException boom = new IllegalStateException("boom");
        Probe<Integer> p = Probe.of(up.map(x -> x + 1).filter(x -> true).take(10).timeout(Duration.ofDays(1)));
        assertThat(p.poll()).isEqualTo(2);
        up.fail(boom);
        assertThatThrownBy(p::poll).isSameAs(boom);
        assertThat(p.poll()).as("fused after a failure").isNull();
    }

    @Test
    void aFailingFunctionFailsTheStreamAndCancelsTheUpstream() {
        ManualStream<Integer> up = ManualStream.of(1, 2);
        IllegalArgumentException bad = new IllegalArgumentException("bad item");
        Probe<Integer> p = Probe.of(up.map(x -> {
            if (x == 2) {
                throw bad;
            }
            return x;
        }));
        assertThat(p.poll()).isEqualTo(1);
        assertThatThrownBy(p::poll).isSameAs(bad);
        assertThat(up.cancelled()).isTrue();
        assertThat(p.poll()).isNull();
    }

    @Test
    void aFunctionThatReturnsNullFailsTheStream() {
        assertThatThrownBy(() -> Probe.of(Stream.of(1).map(x -> (String) null)).poll())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("never null");
    }

    static List<Function<Stream<Integer>, Object>> operators() {
        return List.of(
                s -> s.map(x -> x),
                s -> s.filter(x -> true),
                s -> s.take(5),
                s -> s.then(x -> Future.ready(x)),
                s -> s.buffered(2, x -> Future.ready(x)),
                s -> s.bufferUnordered(2, x -> Future.ready(x)),
                s -> s.timeout(Duration.ofSeconds(1)),
                Stream::fuse,
                s -> Stream.merge(s, Stream.empty()),
                s -> s.fold(0, Integer::sum),
                Stream::toList);
    }

    @ParameterizedTest(name = "operator {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void cancellingAnOperatorCancelsItsUpstream(int which) {
        ManualStream<Integer> up = new ManualStream<>();
        try (Runtime rt = Runtime.builder().currentThread().build()) { // timeout's timer needs one
            rt.blockOn(Weft.async(() -> {
                Object made = operators().get(which).apply(up);
                if (made instanceof Stream<?> s) {
                    assertThat(Probe.of(s).poll()).isSameAs(Future.PENDING);
                    s.cancel();
                } else {
                    Future<?> f = (Future<?>) made;
                    assertThat(f.poll(Probe.of(up).context())).isSameAs(Future.PENDING);
                    f.cancel();
                }
            }));
        }
        assertThat(up.cancelled()).isTrue();
    }

    @Test
    void cancellingThenCancelsTheFutureInFlight() {
        ManualFuture<String> inFlight = new ManualFuture<>();
        ManualStream<Integer> up = ManualStream.of(1);
        Stream<String> s = up.then(x -> inFlight);
        assertThat(Probe.of(s).poll()).isSameAs(Future.PENDING);
        s.close(); // close is cancel
        assertThat(inFlight.cancelled()).isTrue();
        assertThat(up.cancelled()).isTrue();
    }

    @Test
    void aCancelledNextLosesNoItemAndLeavesTheStreamOpen() {
        ManualStream<String> up = new ManualStream<>();
        Probe<String> p = Probe.of(up);
        Future<String> next = up.next();
        assertThat(next.poll(p.context())).isSameAs(Future.PENDING);
        next.cancel();
        up.push("kept");
        assertThat(up.cancelled()).isFalse();
        assertThat(up.next().poll(p.context())).isEqualTo("kept");
    }

    @Test
    void foldCollectAndToListConsumeTheWholeStream() {
        Probe<Integer> p = Probe.of(Stream.empty());
        assertThat(Stream.of(1, 2, 3).fold(10, Integer::sum).poll(p.context())).isEqualTo(16);
        assertThat(Stream.of("a", "b").collect(Collectors.joining("+")).poll(p.context())).isEqualTo("a+b");
        assertThat(Stream.of(3, 1, 2).toList().poll(p.context())).isEqualTo(List.of(3, 1, 2));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"currentThread", "multiThread"})
    void aReceiverStreamDeliversEverySentValueThenEndsWhenTheSendersClose(String flavour) {
        try (Runtime rt = flavour.equals("currentThread") ? Runtime.builder().currentThread().build()
                : Runtime.builder().multiThread().workerThreads(2).build()) {
            List<Integer> got = rt.blockOn(Weft.async(() -> {
                Mpsc<Integer> ch = Mpsc.bounded(4);
                Mpsc.Sender<Integer> tx = ch.sender();
                Weft.spawn(() -> {
                    try (tx) {
                        for (int i = 0; i < 1_000; i++) {
                            tx.send(i).await();
                        }
                    }
                });
                List<Integer> out = new ArrayList<>();
                Stream<Integer> s = Stream.from(ch.receiver());
                for (Integer x; (x = s.next().await()) != null; ) {
                    out.add(x);
                }
                return out;
            }));
            assertThat(got).isEqualTo(IntStream.range(0, 1_000).boxed().toList());
        }
    }

    @Test
    void cancellingAReceiverStreamClosesTheReceiver() {
        Mpsc<String> ch = Mpsc.unbounded();
        Stream<String> s = Stream.from(ch.receiver());
        assertThat(Probe.of(s).poll()).isSameAs(Future.PENDING);
        s.cancel();
        assertThatThrownBy(() -> ch.sender().trySend("late")).isInstanceOf(ChannelClosedException.class);
    }

    @Test
    void forEachMayAwaitInsideTheActionAndCancelsTheStreamWhenTheActionFails() {
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
            List<String> seen = new ArrayList<>();
            rt.blockOn(Stream.of("a", "b").forEach(x -> {
                Weft.sleep(Duration.ofSeconds(1)).await();
                seen.add(x);
            }));
            assertThat(seen).containsExactly("a", "b");

            ManualStream<String> up = ManualStream.of("x");
            IllegalStateException stop = new IllegalStateException("stop");
            assertThatThrownBy(() -> rt.blockOn(up.forEach(x -> {
                throw stop;
            }))).isSameAs(stop);
            assertThat(up.cancelled()).isTrue();
        }
    }

    @Test
    void intervalTicksAreAStreamOfScheduledInstants() {
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
            List<Duration> at = rt.blockOn(Weft.async(() -> {
                Instant start = Instant.now();
                return Stream.ticks(Weft.interval(Duration.ofSeconds(1))).take(3)
                        .map(t -> t.durationSince(start)).toList().await();
            }));
            assertThat(at).containsExactly(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2));
        }
    }

    @Test
    void aLongAlwaysReadyStreamGivesItsWorkerUp() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            AtomicInteger neighbourRuns = new AtomicInteger();
            int total = rt.blockOn(Weft.async(() -> {
                Weft.spawn(() -> {
                    neighbourRuns.incrementAndGet();
                });
                int[] sawNeighbourAt = {-1};
                int sum = Stream.iterate(0, x -> x + 1).take(10_000).fold(0, (acc, x) -> {
                    if (sawNeighbourAt[0] < 0 && neighbourRuns.get() > 0) {
                        sawNeighbourAt[0] = x;
                    }
                    return acc + 1;
                }).await();
                assertThat(sawNeighbourAt[0]).as("the neighbour ran before the stream was done").isBetween(1, 9_999);
                return sum;
            }));
            assertThat(total).isEqualTo(10_000);
        }
    }
}
