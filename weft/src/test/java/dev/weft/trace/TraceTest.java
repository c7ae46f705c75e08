package dev.weft.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import dev.weft.internal.SpanHooks;
import dev.weft.runtime.Runtime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Events and listeners: what a listener is told, on which thread, and what happens when it fails or leaves. */
class TraceTest {

    private static Runtime twoWorkers() {
        return Runtime.builder().multiThread().workerThreads(2).name("trace").build();
    }

    /** Records everything it hears, as text, from any thread. */
    private static final class Recorder implements SpanListener {
        final ConcurrentLinkedQueue<String> heard = new ConcurrentLinkedQueue<>();

        @Override
        public void entered(Span span) {
            heard.add(Thread.currentThread().getName() + " entered " + span.name());
        }

        @Override
        public void exited(Span span) {
            heard.add(Thread.currentThread().getName() + " exited " + span.name());
        }

        @Override
        public void event(Event event) {
            heard.add("event " + event);
        }

        @Override
        public void recorded(Span span, String key, Object value) {
            heard.add("recorded " + span.name() + " " + key + "=" + value + ", fields now " + span.fields());
        }

        List<String> events() {
            return heard.stream().filter(h -> h.startsWith("event ") || h.startsWith("recorded ")).toList();
        }
    }

    @Test
    void eventsReachTheListenerWithTheSpanTheyHappenedIn() {
        Recorder r = new Recorder();
        try (Runtime rt = twoWorkers(); Trace.Registration reg = Trace.addListener(r)) {
            Span a = Span.of("a", "user", "ann");
            rt.blockOn(rt.spawn(a.instrument(Weft.async(() -> {
                Trace.event("started", "attempt", 1);
                Weft.yieldNow().await();
                Span b = Span.of("b");
                b.event("inside b", "rows", 3);
                Weft.spawn(() -> Trace.event("from a child")).await();
                Trace.event("done");
            }))));
            Trace.event("outside");
            assertThat(r.events()).containsExactly(
                    "event a: started {attempt=1}",
                    "event b: inside b {rows=3}",
                    "event a: from a child",
                    "event a: done",
                    "event outside");
        }
    }

    @Test
    void anEventCarriesItsSpanAndFields() {
        List<Event> got = new ArrayList<>();
        Span s = Span.of("s");
        try (Trace.Registration reg = Trace.addListener(new SpanListener() {
            @Override
            public void event(Event e) {
                got.add(e);
            }
        })) {
            s.event("hello", "k", "v", "n", null);
            Trace.event("bare");
        }
        assertThat(got).hasSize(2);
        assertThat(got.get(0).span()).containsSame(s);
        assertThat(got.get(0).message()).isEqualTo("hello");
        assertThat(got.get(0).fields()).containsEntry("k", "v").containsEntry("n", null).hasSize(2);
        assertThat(got.get(1).span()).isEmpty();
        assertThat(got.get(1).fields()).isEmpty();
    }

    @Test
    void entriesAndExitsPairUpOnOneThreadAroundEveryPollAndNest() {
        Recorder r = new Recorder();
        try (Runtime rt = twoWorkers(); Trace.Registration reg = Trace.addListener(r)) {
            Span outer = Span.of("outer");
            Span inner = Span.of("inner");
            rt.blockOn(rt.spawn(outer.instrument(Weft.async(() -> {
                for (int i = 0; i < 3; i++) {
                    Weft.yieldNow().await();
                }
                inner.instrument(Weft.yieldNow()).await();
            }))));
        }
        List<String> heard = new ArrayList<>(r.heard);
        // Every entry is followed, on the same thread, by its exit, innermost first.
        List<String> open = new ArrayList<>();
        for (String h : heard) {
            String[] p = h.split(" ");
            String key = p[0] + " " + p[2];
            if (p[1].equals("entered")) {
                open.add(key);
            } else {
                assertThat(open).as("in %s", heard).isNotEmpty().last().isEqualTo(key);
                open.removeLast();
            }
        }
        assertThat(open).isEmpty();
        assertThat(heard.stream().filter(h -> h.endsWith("entered outer")))
                .as("one per poll: the first, after each of three yields, after the inner future's").hasSize(5);
        assertThat(heard.stream().filter(h -> h.endsWith("entered inner"))).hasSize(2);
    }

    @Test
    void recordingAFieldTellsTheListenersAfterTheFieldsChanged() {
        Recorder r = new Recorder();
        Span s = Span.of("login", "user", null);
        try (Trace.Registration reg = Trace.addListener(r)) {
            s.record("user", "ann");
        }
        assertThat(r.events()).containsExactly("recorded login user=ann, fields now {user=ann}");
    }

    @Test
    void aClosedRegistrationHearsNothingMoreAndTheLastOneUnhooksTheRuntime() {
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        Span s = Span.of("s");
        try (Runtime rt = twoWorkers()) {
            Trace.Registration one = Trace.addListener(first);
            Trace.Registration two = Trace.addListener(second);
            assertThat(SpanHooks.isInstalled()).isTrue();
            rt.blockOn(rt.spawn(s.instrument(Weft.async(() -> Trace.event("both")))));
            one.close();
            one.close(); // idempotent
            rt.blockOn(rt.spawn(s.instrument(Weft.async(() -> Trace.event("second only")))));
            assertThat(SpanHooks.isInstalled()).isTrue();
            two.close();
            assertThat(SpanHooks.isInstalled()).as("no listener left: the runtime's hook is off").isFalse();
            rt.blockOn(rt.spawn(s.instrument(Weft.async(() -> {
                Trace.event("nobody");
                s.record("k", 1);
            }))));
        }
        assertThat(first.events()).containsExactly("event s: both");
        assertThat(second.events()).containsExactly("event s: both", "event s: second only");
        assertThat(first.heard).hasSize(3);
        assertThat(second.heard).hasSize(6);
    }

    @Test
    void aListenerThatThrowsDoesNotDisturbTheTaskAndIsLoggedOnce() throws Exception {
        List<LogRecord> logged = new ArrayList<>();
        Logger jul = Logger.getLogger("dev.weft.trace"); // held: JUL keeps loggers weakly
        Handler h = new Handler() {
            @Override
            public synchronized void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(h);
        Recorder after = new Recorder();
        try (Runtime rt = twoWorkers();
             Trace.Registration bad = Trace.addListener(new SpanListener() {
                 @Override
                 public void entered(Span span) {
                     throw new IllegalStateException("listener bug");
                 }

                 @Override
                 public void event(Event event) {
                     throw new IllegalStateException("listener bug in event");
                 }
             });
             Trace.Registration good = Trace.addListener(after)) {
            Span s = Span.of("s");
            // Bounded: a failure escaping into the worker would leave the task never completing.
            int out = rt.spawn(s.instrument(Weft.async(() -> {
                Weft.yieldNow().await();
                Trace.event("still here");
                return 42;
            }))).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(out).isEqualTo(42);
            assertThat(after.events()).as("the listener after the bad one").containsExactly("event s: still here");
        } finally {
            jul.removeHandler(h);
        }
        synchronized (h) {
            assertThat(logged).hasSize(1);
            assertThat(logged.getFirst().getMessage()).contains("threw from entered()");
            assertThat(logged.getFirst().getThrown()).hasMessage("listener bug");
        }
    }

    @Test
    void withNoListenerAnEventChecksOnlyThatItsFieldsPairUp() {
        Trace.event("unheard", 1, 2); // a key that is not a string goes unnoticed: nobody looks
        assertThatThrownBy(() -> Trace.event("odd", "k")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Trace.event(\"odd\", ...) takes keys and values in pairs");
        try (Trace.Registration reg = Trace.addListener(new SpanListener() {
        })) {
            assertThatThrownBy(() -> Trace.event("bad key", 1, 2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the key at position 0 is 1");
        }
    }
}
