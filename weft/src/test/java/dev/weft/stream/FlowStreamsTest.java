package dev.weft.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Flow bridges: round trips, demand, cancellation both ways, a JDK publisher as a source. */
class FlowStreamsTest {

    static Runtime runtime(String flavour) {
        return flavour.equals("currentThread") ? Runtime.builder().currentThread().build()
                : Runtime.builder().multiThread().workerThreads(2).build();
    }

    /**
     * A publisher in the middle that counts demand: fails the subscriber if an item arrives without
     * demand, and records the most demand ever outstanding.
     */
    static final class DemandAudit<T> implements Flow.Publisher<T> {
        final Flow.Publisher<T> inner;
        final AtomicLong outstanding = new AtomicLong();
        final AtomicLong maxOutstanding = new AtomicLong();
        final AtomicInteger violations = new AtomicInteger();
        final AtomicBoolean cancelled = new AtomicBoolean();

        DemandAudit(Flow.Publisher<T> inner) {
            this.inner = inner;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super T> downstream) {
            inner.subscribe(new Flow.Subscriber<T>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    downstream.onSubscribe(new Flow.Subscription() {
                        @Override
                        public void request(long n) {
                            maxOutstanding.accumulateAndGet(outstanding.addAndGet(n), Math::max);
                            s.request(n);
                        }

                        @Override
                        public void cancel() {
                            cancelled.set(true);
                            s.cancel();
                        }
                    });
                }

                @Override
                public void onNext(T item) {
                    if (outstanding.decrementAndGet() < 0) {
                        violations.incrementAndGet();
                    }
                    downstream.onNext(item);
                }

                @Override
                public void onError(Throwable t) {
                    downstream.onError(t);
                }

                @Override
                public void onComplete() {
                    downstream.onComplete();
                }
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"currentThread", "multiThread"})
    void aRoundTripOfOneHundredThousandItemsKeepsOrderAndRespectsDemand(String flavour) {
        try (Runtime rt = runtime(flavour)) {
            int n = 100_000;
            DemandAudit<Integer> audit = new DemandAudit<>(
                    FlowStreams.toPublisher(Stream.iterate(0, x -> x + 1).take(n), rt.handle()));
            List<Integer> got = rt.blockOn(FlowStreams.fromPublisher(audit, 8).toList());
            assertThat(got).hasSize(n);
            assertThat(got).isEqualTo(IntStream.range(0, n).boxed().toList());
            assertThat(audit.violations.get()).as("items sent without demand").isZero();
            assertThat(audit.maxOutstanding.get()).as("demand never beyond the prefetch").isLessThanOrEqualTo(8);
        }
    }

    @Test
    void thePublisherSendsNothingWithoutDemand() throws Exception {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            AtomicInteger pulled = new AtomicInteger();
            Flow.Publisher<Integer> pub = FlowStreams.toPublisher(
                    Stream.iterate(0, x -> x + 1).map(x -> {
                        pulled.incrementAndGet();
                        return x;
                    }), rt.handle());
            Recorder<Integer> sub = new Recorder<>(3);
            pub.subscribe(sub);
            rt.blockOn(settle());
            assertThat(sub.items).containsExactly(0, 1, 2);
            assertThat(pulled.get()).as("no item pulled from the stream without demand").isEqualTo(3);
            sub.subscription.request(2);
            rt.blockOn(settle());
            assertThat(sub.items).containsExactly(0, 1, 2, 3, 4);
            assertThat(pulled.get()).isEqualTo(5);
            sub.subscription.cancel();
            rt.blockOn(settle());
            sub.subscription.request(10); // rule 3.6: a no-op after cancel
            rt.blockOn(settle());
            assertThat(sub.items).hasSize(5);
            assertThat(sub.terminal).isNull();
        }
    }

    /** Lets every ready task of a current-thread runtime run (a few rounds of the scheduler). */
    static Future<Void> settle() {
        return Weft.async(() -> {
            for (int i = 0; i < 10; i++) {
                Weft.yieldNow().await();
            }
        });
    }

    /** A subscriber that requests {@code initial} items and records what it gets. */
    static final class Recorder<T> implements Flow.Subscriber<T> {
        final List<T> items = new ArrayList<>();
        final long initial;
        final CountDownLatch terminated = new CountDownLatch(1);
        volatile Flow.Subscription subscription;
        volatile Object terminal; // "complete" or the failure

        Recorder(long initial) {
            this.initial = initial;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (initial != 0) {
                s.request(initial);
            }
        }

        @Override
        public synchronized void onNext(T item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            terminal = t;
            terminated.countDown();
        }

        @Override
        public void onComplete() {
            terminal = "complete";
            terminated.countDown();
        }
    }

    @Test
    void requestingZeroEndsTheSubscriptionWithIllegalArgumentAndCancelsTheStream() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            ManualStream<Integer> up = ManualStream.of(1, 2);
            Recorder<Integer> sub = new Recorder<>(0);
            FlowStreams.toPublisher(up, rt.handle()).subscribe(sub);
            sub.subscription.request(0);
            assertThat(sub.terminated.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sub.terminal).isInstanceOf(IllegalArgumentException.class);
            assertThat(((Throwable) sub.terminal).getMessage()).contains("3.9");
            assertThat(up.cancelled()).isTrue();
            assertThat(sub.items).isEmpty();
        }
    }

    @Test
    void aSubscriberCancelCancelsTheStreamAndItsFinallyRuns() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            CountDownLatch cleanedUp = new CountDownLatch(1);
            CountDownLatch waiting = new CountDownLatch(1);
            Stream<String> s = Stream.of(1, 2).then(x -> x == 1 ? Future.ready("first") : Weft.async(() -> {
                try {
                    waiting.countDown();
                    return Weft.sleep(Duration.ofHours(1)).map(v -> "never").await();
                } finally {
                    cleanedUp.countDown();
                }
            }));
            Recorder<String> sub = new Recorder<>(2);
            FlowStreams.toPublisher(s, rt.handle()).subscribe(sub);
            assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sub.items).containsExactly("first");
            sub.subscription.cancel();
            assertThat(cleanedUp.await(10, TimeUnit.SECONDS)).as("the in-flight block's finally ran").isTrue();
            assertThat(sub.terminal).as("no signal after cancel").isNull();
        }
    }

    @Test
    void aSecondSubscriberOfAOneStreamPublisherGetsAnError() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            Flow.Publisher<Integer> pub = FlowStreams.toPublisher(Stream.of(1), rt.handle());
            pub.subscribe(new Recorder<>(1));
            Recorder<Integer> second = new Recorder<>(1);
            pub.subscribe(second);
            assertThat(second.subscription).isNotNull();
            assertThat(second.terminal).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aPerSubscriberPublisherGivesEachSubscriberItsOwnStream() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            Flow.Publisher<Integer> pub = FlowStreams.toPublisherPerSubscriber(() -> Stream.of(1, 2, 3), rt.handle());
            List<Integer> a = rt.blockOn(FlowStreams.fromPublisher(pub, 2).toList());
            List<Integer> b = rt.blockOn(FlowStreams.fromPublisher(pub, 1).toList());
            assertThat(a).containsExactly(1, 2, 3);
            assertThat(b).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aStreamFailureReachesOnError() throws Exception {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            IllegalStateException boom = new IllegalStateException("boom");
            ManualStream<Integer> up = ManualStream.of(1);
            up.fail(boom);
            Recorder<Integer> sub = new Recorder<>(5);
            FlowStreams.toPublisher(up, rt.handle()).subscribe(sub);
            rt.blockOn(settle());
            assertThat(sub.items).containsExactly(1);
            assertThat(sub.terminal).isSameAs(boom);
        }
    }

    /** A publisher that records request and cancel calls and signals by hand. */
    static final class HandPublisher implements Flow.Publisher<String> {
        final List<Long> requests = new ArrayList<>();
        final AtomicBoolean cancelled = new AtomicBoolean();
        final AtomicReference<Flow.Subscriber<? super String>> subscriber = new AtomicReference<>();
        final Flow.Subscription subscription = new Flow.Subscription() {
            @Override
            public synchronized void request(long n) {
                requests.add(n);
            }

            @Override
            public void cancel() {
                cancelled.set(true);
            }
        };

        @Override
        public void subscribe(Flow.Subscriber<? super String> s) {
            subscriber.set(s); // onSubscribe comes later, by hand
        }
    }

    @Test
    void cancellingTheStreamCancelsTheSubscriptionEvenBeforeItArrives() {
        HandPublisher early = new HandPublisher();
        Stream<String> s1 = FlowStreams.fromPublisher(early, 4);
        assertThat(Probe.of(s1).poll()).isSameAs(Future.PENDING);
        early.subscriber.get().onSubscribe(early.subscription);
        assertThat(Probe.of(s1).poll()).isSameAs(Future.PENDING);
        assertThat(early.requests).containsExactly(4L);
        s1.cancel();
        assertThat(early.cancelled.get()).isTrue();

        HandPublisher late = new HandPublisher();
        Stream<String> s2 = FlowStreams.fromPublisher(late, 4);
        assertThat(Probe.of(s2).poll()).isSameAs(Future.PENDING);
        s2.cancel();
        late.subscriber.get().onSubscribe(late.subscription);
        assertThat(late.cancelled.get()).as("cancelled as it arrived").isTrue();
        assertThat(late.requests).isEmpty();
    }

    @Test
    void fromPublisherReplenishesDemandAsItemsAreTakenAndDeliversItemsBeforeTheError() {
        HandPublisher pub = new HandPublisher();
        Probe<String> p = Probe.of(FlowStreams.fromPublisher(pub, 4));
        assertThat(p.poll()).isSameAs(Future.PENDING);
        Flow.Subscriber<? super String> sub = pub.subscriber.get();
        sub.onSubscribe(pub.subscription);
        assertThat(p.wakes()).as("woken to issue the first request").isEqualTo(1);
        assertThat(p.poll()).isSameAs(Future.PENDING);
        for (String x : List.of("a", "b", "c", "d")) {
            sub.onNext(x);
        }
        IllegalStateException boom = new IllegalStateException("boom");
        sub.onError(boom);
        assertThat(List.of(p.poll(), p.poll(), p.poll())).containsExactly("a", "b", "c");
        assertThat(pub.requests).as("three of four taken: three more asked for").containsExactly(4L, 3L);
        assertThat(p.poll()).isEqualTo("d");
        assertThatThrownBy(p::poll).isSameAs(boom);
        assertThat(p.poll()).isNull();
    }

    @Test
    void aPublisherThatSendsMoreThanRequestedFailsTheStream() {
        HandPublisher pub = new HandPublisher();
        Probe<String> p = Probe.of(FlowStreams.fromPublisher(pub, 1));
        p.poll();
        pub.subscriber.get().onSubscribe(pub.subscription);
        p.poll();
        pub.subscriber.get().onNext("a");
        pub.subscriber.get().onNext("b");
        assertThat(p.poll()).isEqualTo("a");
        assertThatThrownBy(p::poll).isInstanceOf(IllegalStateException.class).hasMessageContaining("rule 1.1");
        assertThat(pub.cancelled.get()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"currentThread", "multiThread"})
    void aSubmissionPublisherIsAStreamSource(String flavour) throws Exception {
        try (Runtime rt = runtime(flavour); SubmissionPublisher<Integer> pub = new SubmissionPublisher<>()) {
            int n = 10_000;
            Thread producer = new Thread(() -> {
                while (pub.getNumberOfSubscribers() == 0) {
                    Thread.onSpinWait(); // items submitted before the stream subscribes would be lost
                }
                for (int i = 0; i < n; i++) {
                    pub.submit(i);
                }
                pub.close();
            }, "producer");
            producer.start();
            List<Integer> got = rt.blockOn(FlowStreams.fromPublisher(pub, 16).toList());
            producer.join();
            assertThat(got).isEqualTo(IntStream.range(0, n).boxed().toList());
        }
    }
}
