package dev.weft.slf4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Notify;
import dev.weft.sync.Oneshot;
import dev.weft.trace.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The MDC bridge: a span's fields are in the MDC while its task is polled, on whatever thread, and only then. */
class MdcBridgeTest {
    private static final Logger LOG = LoggerFactory.getLogger(MdcBridgeTest.class);

    @BeforeEach
    @AfterEach
    void startClean() {
        // Worker threads inherit the MDC of the thread that builds the runtime (SLF4J's basic MDC is inheritable).
        MDC.clear();
        RecordingProvider.LINES.clear();
    }

    /** What this thread's MDC says about the request, with the span's name. */
    private static String mdc() {
        return MDC.get("requestId") + "/" + MDC.get("span");
    }

    @Test
    void aTaskLogsWithItsSpansFieldsAfterEveryAwaitAndTheOtherTaskOnItsThreadWithWhatWasThere() {
        try (MdcBridge.Installation bridge = MdcBridge.install();
             Runtime rt = Runtime.builder().currentThread().build()) {
            // The driving thread has a value of its own: the bridge must put it back, not just remove.
            MDC.put("requestId", "the thread's own");
            Span request = Span.of("request", "requestId", "r-1", "user", "ann");
            JoinHandle<Void> inSpan = rt.spawn(request.instrument(Weft.async(() -> {
                for (int i = 0; i < 3; i++) {
                    LOG.info("task {}", i);
                    Weft.yieldNow().await();
                }
                LOG.info("task {}", 3);
            })));
            JoinHandle<Void> plain = rt.spawn(Weft.async(() -> {
                for (int i = 0; i < 3; i++) {
                    LOG.info("other {}", i);
                    Weft.yieldNow().await();
                }
            }));
            rt.blockOn(inSpan);
            rt.blockOn(plain);
            // One thread runs both tasks, poll by poll; each logged with only its own values.
            assertThat(RecordingProvider.LINES).containsExactly(
                    "task 0 {requestId=r-1, span=request, user=ann}", "other 0 {requestId=the thread's own}",
                    "task 1 {requestId=r-1, span=request, user=ann}", "other 1 {requestId=the thread's own}",
                    "task 2 {requestId=r-1, span=request, user=ann}", "other 2 {requestId=the thread's own}",
                    "task 3 {requestId=r-1, span=request, user=ann}");
            assertThat(MDC.getCopyOfContextMap()).containsExactly(Map.entry("requestId", "the thread's own"));
        }
    }

    @Test
    void aNestedInstrumentedFuturePutsItsFieldsOverTheTasksAndTheTasksComeBack() {
        try (MdcBridge.Installation bridge = MdcBridge.install();
             Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("mdc").build()) {
            Span request = Span.of("request", "requestId", "r-1", "user", "ann");
            List<String> seen = rt.blockOn(rt.spawn(request.instrument(Weft.async(() -> {
                List<String> log = new ArrayList<>();
                log.add(mdc() + " table=" + MDC.get("table") + " user=" + MDC.get("user"));
                // A child span: its own fields, its parent's, and its own on a clash.
                Span query = Span.of("query", "table", "users", "requestId", "r-1/q");
                query.instrument(Weft.async(() -> {
                    log.add(mdc() + " table=" + MDC.get("table") + " user=" + MDC.get("user"));
                    Weft.yieldNow().await();
                    log.add(mdc() + " table=" + MDC.get("table") + " user=" + MDC.get("user"));
                })).await();
                log.add(mdc() + " table=" + MDC.get("table") + " user=" + MDC.get("user"));
                Weft.yieldNow().await();
                log.add(mdc() + " table=" + MDC.get("table") + " user=" + MDC.get("user"));
                return log;
            }))));
            assertThat(seen).containsExactly(
                    "r-1/request table=null user=ann",
                    "r-1/q/query table=users user=ann",
                    "r-1/q/query table=users user=ann",
                    "r-1/request table=null user=ann",
                    "r-1/request table=null user=ann");
            assertThat(mdc()).isEqualTo("null/null");
        }
    }

    @Test
    void aTaskInAChildSpanHasItsAncestorsFieldsTooAndItsOwnWinOnAClash() {
        try (MdcBridge.Installation bridge = MdcBridge.install();
             Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("mdc").build()) {
            Span connection = Span.of("connection", "peer", "10.0.0.1", "requestId", "none yet");
            rt.blockOn(rt.spawn(connection.instrument(Weft.async(() -> {
                // The child task runs in "request" alone: its parent is entered nowhere while it runs.
                Span request = Span.of("request", "requestId", "r-2");
                Weft.spawn(request.instrument(Weft.async(() -> LOG.info("handling")))).await();
            }))));
            assertThat(RecordingProvider.LINES).containsExactly("handling {peer=10.0.0.1, requestId=r-2, span=request}");
        }
    }

    @Test
    void aTaskThatMovesBetweenWorkersHasItsFieldsOnEachAndLeavesNoneBehind() {
        try (MdcBridge.Installation bridge = MdcBridge.install();
             Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("mdc").build()) {
            // One helper task homed on each worker, spawned the way an accept loop spawns, so that
            // placement spreads them over the workers.
            Map<String, Notify> helperOn = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<String> helpersSaw = new ConcurrentLinkedQueue<>();
            Stepper steps = new Stepper(helperOn);
            rt.blockOn(rt.spawn(Weft.async(() -> {
                for (int i = 0; i < 16 && helperOn.size() < 2; i++) {
                    Notify go = new Notify();
                    Oneshot<String> where = Oneshot.channel();
                    var here = where.sender();
                    Weft.spawn(() -> {
                        String me = Thread.currentThread().getName();
                        here.send(me);
                        while (true) {
                            go.notified().await();
                            helpersSaw.add(me + " " + mdc());
                            if (me.equals(steps.lastThread)) {
                                // Woken by the task's poll on this worker, which has ended by now: hand
                                // over to the other worker's helper.
                                helperOn.entrySet().stream().filter(e -> !e.getKey().equals(me))
                                        .forEach(e -> e.getValue().notifyOne());
                            } else {
                                // Wake the task from here: it goes to this worker's LIFO slot, and runs here.
                                steps.waker.wake();
                            }
                        }
                    });
                    helperOn.putIfAbsent(where.receiver().await(), go);
                }
            })));
            assertThat(helperOn).as("helpers on both workers").hasSize(2);

            List<String> seen = rt.blockOn(rt.spawn(Span.of("request", "requestId", "r-1").instrument(steps)));

            assertThat(seen).hasSize(Stepper.STEPS + 1).allSatisfy(s -> assertThat(s).endsWith(" r-1/request"));
            for (int k = 1; k < seen.size(); k++) {
                assertThat(worker(seen.get(k))).as("poll %d in %s", k, seen).isNotEqualTo(worker(seen.get(k - 1)));
            }
            assertThat(helpersSaw).as("the helpers, polled between the task's polls on its workers")
                    .hasSize(2 * Stepper.STEPS).allSatisfy(s -> assertThat(s).endsWith(" null/null"));
            assertThat(RecordingProvider.LINES).hasSize(Stepper.STEPS + 1)
                    .allSatisfy(line -> assertThat(line).endsWith(" {requestId=r-1, span=request}"));
            assertThat(mdc()).isEqualTo("null/null");
        }
    }

    private static String worker(String seen) {
        return seen.substring(0, seen.indexOf(' '));
    }

    /**
     * A poll-level future: at each poll it notes its thread and the MDC, then asks the helper on its
     * worker to have it woken from the other worker. It never starts a continuation, so its task is not
     * homed and may run on any worker.
     */
    private static final class Stepper implements Future<List<String>> {
        static final int STEPS = 6;

        private final Map<String, Notify> helperOn;
        private final List<String> seen = new ArrayList<>();
        volatile String lastThread;
        volatile Waker waker;

        Stepper(Map<String, Notify> helperOn) {
            this.helperOn = helperOn;
        }

        @Override
        public Object poll(Context cx) {
            String me = Thread.currentThread().getName();
            seen.add(me + " " + mdc());
            LOG.info("step {}", seen.size() - 1);
            if (seen.size() > STEPS) {
                return seen;
            }
            waker = cx.waker();
            lastThread = me;
            // Homed here and woken from here: the helper runs on this worker once this poll has ended.
            helperOn.get(me).notifyOne();
            return PENDING;
        }
    }

    @Test
    void aFieldRecordedDuringThePollIsInTheMdcAtOnce() {
        try (MdcBridge.Installation bridge = MdcBridge.install();
             Runtime rt = Runtime.builder().currentThread().build()) {
            Span login = Span.of("login", "client", "10.0.0.1");
            String seen = rt.blockOn(login.instrument(Weft.async(() -> {
                String before = MDC.get("user");
                Span.current().orElseThrow().record("user", "ann");
                String after = MDC.get("user");
                Weft.yieldNow().await();
                return before + " " + after + " " + MDC.get("user");
            })));
            assertThat(seen).isEqualTo("null ann ann");
            assertThat(MDC.get("user")).isNull();
        }
    }

    @Test
    void aScopeWronglyHeldAcrossAnAwaitLeavesNothingInTheThreadsMdc() {
        try (MdcBridge.Installation bridge = MdcBridge.install();
             Runtime rt = Runtime.builder().currentThread().build()) {
            Span task = Span.of("task", "requestId", "t");
            Span scoped = Span.of("scoped", "requestId", "s");
            JoinHandle<Void> misuse = rt.spawn(task.instrument(Weft.async(() -> {
                try (Span.Scope in = scoped.enter()) {
                    LOG.info("in the scope");
                    Weft.yieldNow().await(); // wrong: the scope's entry is undone when this poll ends
                    LOG.info("after the await");
                } catch (IllegalStateException closedOutOfPlace) {
                    LOG.info("after the close");
                }
            })));
            JoinHandle<Void> other = rt.spawn(Weft.async(() -> LOG.info("other")));
            rt.blockOn(misuse);
            rt.blockOn(other);
            assertThat(RecordingProvider.LINES).containsExactly(
                    "in the scope {requestId=s, span=scoped}", "other {}", "after the await {requestId=t, span=task}",
                    "after the close {requestId=t, span=task}");
            assertThat(mdc()).isEqualTo("null/null");
        }
    }

    @Test
    void installingTwiceInstallsOnceAndTheLastCloseUninstalls() {
        Span s = Span.of("s", "requestId", "r-9");
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            MdcBridge.Installation first = MdcBridge.install();
            MdcBridge.Installation second = MdcBridge.install();
            assertThat(rt.blockOn(s.instrument(Weft.async(MdcBridgeTest::mdc)))).isEqualTo("r-9/s");
            first.close();
            first.close(); // idempotent: does not take the second one's share
            assertThat(MdcBridge.isInstalled()).isTrue();
            assertThat(rt.blockOn(s.instrument(Weft.async(MdcBridgeTest::mdc)))).isEqualTo("r-9/s");
            second.close();
            assertThat(MdcBridge.isInstalled()).isFalse();
            assertThat(rt.blockOn(s.instrument(Weft.async(MdcBridgeTest::mdc)))).isEqualTo("null/null");
        }
    }

    @Test
    void aScopeOnAPlainThreadPutsTheFieldsInUntilItCloses() {
        try (MdcBridge.Installation bridge = MdcBridge.install()) {
            Span job = Span.of("job", "requestId", "batch-3", "span", "named by a field");
            try (Span.Scope in = job.enter()) {
                assertThat(mdc()).isEqualTo("batch-3/named by a field");
            }
            assertThat(mdc()).isEqualTo("null/null");
        }
    }
}
