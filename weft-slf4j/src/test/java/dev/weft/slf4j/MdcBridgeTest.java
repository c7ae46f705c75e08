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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
    void aTaskThatMovesBetweenWorkersHasItsFieldsOnEachAndLeavesNoneBehind() throws Exception {
        try (MdcBridge.Installation bridge = MdcBridge.install();
             Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("mdc").build()) {
            // One helper task homed on each worker: a wake from a helper puts the stepping task (which
            // is not homed: it has no async block) in that worker's LIFO slot, so it runs there next.
            // Spawned the way an accept loop spawns, so that placement spreads them over the workers.
            ConcurrentLinkedQueue<String> helpersSaw = new ConcurrentLinkedQueue<>();
            Stepper steps = new Stepper();
            Map<String, Notify> helperOn = rt.blockOn(rt.spawn(Weft.async(() -> {
                Map<String, Notify> on = new LinkedHashMap<>();
                for (int i = 0; i < 16 && on.size() < 2; i++) {
                    Notify go = new Notify();
                    Oneshot<String> where = Oneshot.channel();
                    var here = where.sender();
                    Weft.spawn(() -> {
                        here.send(Thread.currentThread().getName());
                        while (true) {
                            go.notified().await();
                            helpersSaw.add(Thread.currentThread().getName() + " " + mdc());
                            steps.wakeTheStepper();
                        }
                    });
                    on.putIfAbsent(where.receiver().await(), go);
                }
                return on;
            })));
            assertThat(helperOn).as("helpers on both workers").hasSize(2);
            List<String> workers = new ArrayList<>(helperOn.keySet());

            Span request = Span.of("request", "requestId", "r-1");
            JoinHandle<List<String>> task = rt.spawn(request.instrument(steps));
            List<String> expected = new ArrayList<>();
            for (int k = 0; k < Stepper.STEPS; k++) {
                assertThat(steps.polled.poll(10, TimeUnit.SECONDS)).as("step %d polled", k).isEqualTo(k);
                String worker = workers.get(k % 2);
                expected.add(worker + " r-1/request");
                helperOn.get(worker).notifyOne(); // that helper wakes the task, which then runs on its worker
            }
            List<String> seen = rt.blockOn(task);

            assertThat(seen.subList(1, seen.size())).containsExactlyElementsOf(expected);
            assertThat(seen.getFirst()).endsWith(" r-1/request");
            assertThat(helpersSaw).as("each helper, polled on a worker the task had run on")
                    .hasSize(Stepper.STEPS).allSatisfy(s -> assertThat(s).endsWith(" null/null"));
            assertThat(RecordingProvider.LINES).hasSize(Stepper.STEPS + 1)
                    .allSatisfy(line -> assertThat(line).endsWith(" {requestId=r-1, span=request}"));
            assertThat(mdc()).isEqualTo("null/null");
        }
    }

    /**
     * A poll-level future: at each poll it notes its thread and the MDC, then waits to be woken for the
     * next. It never starts a continuation, so its task is free to run on any worker.
     */
    private static final class Stepper implements Future<List<String>> {
        static final int STEPS = 6;

        final BlockingQueue<Integer> polled = new LinkedBlockingQueue<>();
        private final List<String> seen = new ArrayList<>();
        private volatile Waker waker;

        @Override
        public Object poll(Context cx) {
            seen.add(Thread.currentThread().getName() + " " + mdc());
            int step = seen.size() - 1;
            LOG.info("step {}", step);
            if (step == STEPS) {
                return seen;
            }
            waker = cx.waker();
            polled.add(step); // after the waker is stored: the test wakes the next step only then
            return PENDING;
        }

        void wakeTheStepper() {
            waker.wake();
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
