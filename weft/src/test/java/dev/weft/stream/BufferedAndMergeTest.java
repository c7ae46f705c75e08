package dev.weft.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** buffered and bufferUnordered (order, the in-flight bound, woken-only polls) and merge. */
class BufferedAndMergeTest {

    /** A stream of {@code n} items mapped to manual futures, recording each future as it is made. */
    static final class Made {
        final List<ManualFuture<String>> futures = new ArrayList<>();
        int returned;

        Future<String> make(int i) {
            ManualFuture<String> f = new ManualFuture<>();
            futures.add(f);
            return f;
        }

        int inFlight() {
            return futures.size() - returned;
        }
    }

    @Test
    void bufferedKeepsInputOrderWhenFuturesCompleteOutOfOrderAndNeverRunsMoreThanN() {
        Made made = new Made();
        Probe<String> p = Probe.of(Stream.of(0, 1, 2, 3, 4).buffered(3, made::make));
        assertThat(p.poll()).isSameAs(Future.PENDING);
        assertThat(made.futures).hasSize(3);
        made.futures.get(2).complete("two");
        made.futures.get(1).complete("one");
        assertThat(p.poll()).as("the head is still running").isSameAs(Future.PENDING);
        assertThat(made.futures).as("finished outputs waiting behind the head still count").hasSize(3);
        made.futures.get(0).complete("zero");
        List<Object> out = new ArrayList<>();
        for (Object r; (r = p.poll()) != Future.PENDING; ) {
            out.add(r);
            made.returned++;
            assertThat(made.inFlight()).isLessThanOrEqualTo(3);
        }
        assertThat(out).containsExactly("zero", "one", "two");
        assertThat(made.futures).hasSize(5);
        made.futures.get(4).complete("four");
        made.futures.get(3).complete("three");
        assertThat(p.poll()).isEqualTo("three");
        assertThat(p.poll()).isEqualTo("four");
        assertThat(p.poll()).isNull();
    }

    @Test
    void bufferedPollsOnlyTheFuturesThatWereWoken() {
        Made made = new Made();
        Probe<String> p = Probe.of(Stream.fromIterable(IntStream.range(0, 100).boxed().toList())
                .bufferUnordered(100, made::make));
        assertThat(p.poll()).isSameAs(Future.PENDING);
        assertThat(made.futures).allMatch(f -> f.polls() == 1);
        made.futures.get(42).complete("42");
        assertThat(p.wakes()).isEqualTo(1);
        assertThat(p.poll()).isEqualTo("42");
        assertThat(made.futures.stream().mapToInt(ManualFuture::polls).sum()).as("one more poll, of the woken one")
                .isEqualTo(101);
    }

    @Test
    void bufferUnorderedPassesOutputsOnInCompletionOrderAndStartsANewFutureAtOnce() {
        Made made = new Made();
        Probe<String> p = Probe.of(Stream.of(0, 1, 2).bufferUnordered(2, made::make));
        assertThat(p.poll()).isSameAs(Future.PENDING);
        made.futures.get(1).complete("one");
        assertThat(p.poll()).isEqualTo("one");
        assertThat(p.poll()).isSameAs(Future.PENDING);
        assertThat(made.futures).as("the free place went to the next item").hasSize(3);
        made.futures.get(2).complete("two");
        made.futures.get(0).complete("zero");
        assertThat(List.of(p.poll(), p.poll())).containsExactlyInAnyOrder("zero", "two");
        assertThat(p.poll()).isNull();
    }

    @Test
    void aFailedBufferedFutureCancelsTheOthersAndTheUpstream() {
        Made made = new Made();
        ManualStream<Integer> up = ManualStream.of(0, 1, 2);
        Probe<String> p = Probe.of(up.buffered(3, made::make));
        assertThat(p.poll()).isSameAs(Future.PENDING);
        IllegalStateException boom = new IllegalStateException("boom");
        made.futures.get(1).fail(boom);
        assertThatThrownBy(p::poll).isSameAs(boom);
        assertThat(made.futures.get(0).cancelled()).isTrue();
        assertThat(made.futures.get(1).cancelled()).as("it failed: nothing to cancel").isFalse();
        assertThat(made.futures.get(2).cancelled()).isTrue();
        assertThat(up.cancelled()).isTrue();
        assertThat(p.poll()).isNull();
    }

    @Test
    void cancellingBufferedCancelsEveryFutureInFlight() {
        Made made = new Made();
        Stream<String> s = Stream.of(0, 1).buffered(2, made::make);
        assertThat(Probe.of(s).poll()).isSameAs(Future.PENDING);
        s.cancel();
        assertThat(made.futures).allMatch(ManualFuture::cancelled);
    }

    @Test
    void mergeInterleavesItemsAsTheyComeAndEndsWhenAllEnd() {
        ManualStream<String> a = new ManualStream<>();
        ManualStream<String> b = new ManualStream<>();
        Probe<String> p = Probe.of(Stream.merge(a, b));
        assertThat(p.poll()).isSameAs(Future.PENDING);
        b.push("b1");
        assertThat(p.poll()).isEqualTo("b1");
        a.push("a1");
        assertThat(p.poll()).isEqualTo("a1");
        a.end();
        assertThat(p.poll()).isSameAs(Future.PENDING);
        b.push("b2");
        b.end();
        assertThat(p.poll()).isEqualTo("b2");
        assertThat(p.poll()).isNull();
        assertThat(Probe.of(Stream.merge()).poll()).as("no streams: ended").isNull();
    }

    @Test
    void mergePollsOnlyTheSubStreamsThatWereWoken() {
        List<ManualStream<Integer>> subs = IntStream.range(0, 1_000).mapToObj(i -> new ManualStream<Integer>())
                .toList();
        Probe<Integer> p = Probe.of(Stream.merge(subs));
        assertThat(p.poll()).isSameAs(Future.PENDING);
        assertThat(subs).allMatch(s -> s.polls() == 1);
        subs.get(7).push(7);
        assertThat(p.poll()).isEqualTo(7);
        assertThat(p.poll()).isSameAs(Future.PENDING);
        assertThat(subs.get(7).polls()).as("polled for its item, then once more since it may have had more")
                .isEqualTo(3);
        assertThat(subs.stream().mapToInt(ManualStream::polls).sum()).isEqualTo(1_000 + 2);
    }

    @Test
    void mergeIsFairToSubStreamsThatAreAlwaysReady() {
        Stream<String> as = Stream.generate(() -> "a");
        Stream<String> bs = Stream.generate(() -> "b");
        Stream<String> cs = Stream.generate(() -> "c");
        Probe<String> p = Probe.of(Stream.merge(as, bs, cs));
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            out.add(p.poll());
        }
        assertThat(out).containsExactly("a", "b", "c", "a", "b", "c", "a", "b", "c");
    }

    @Test
    void aFailingSubStreamFailsTheMergeAndCancelsTheOthers() {
        ManualStream<String> a = new ManualStream<>();
        ManualStream<String> b = new ManualStream<>();
        ManualStream<String> c = new ManualStream<>();
        Probe<String> p = Probe.of(Stream.merge(a, b, c));
        assertThat(p.poll()).isSameAs(Future.PENDING);
        c.end();
        IllegalStateException boom = new IllegalStateException("boom");
        b.fail(boom);
        assertThatThrownBy(p::poll).isSameAs(boom);
        assertThat(a.cancelled()).isTrue();
        assertThat(b.cancelled()).as("it failed: nothing to cancel").isFalse();
        assertThat(c.cancelled()).as("it ended: nothing to cancel").isFalse();
        assertThat(p.poll()).isNull();
    }

    @Test
    void cancellingAMergeCancelsEverySubStreamStillRunning() {
        ManualStream<String> a = new ManualStream<>();
        ManualStream<String> b = new ManualStream<>();
        Stream<String> m = Stream.merge(a, b);
        assertThat(Probe.of(m).poll()).isSameAs(Future.PENDING);
        m.cancel();
        assertThat(a.cancelled()).isTrue();
        assertThat(b.cancelled()).isTrue();
    }
}
