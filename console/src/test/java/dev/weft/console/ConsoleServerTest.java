package dev.weft.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Notify;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The console's HTTP side: its JSON while the runtime is stuck, its lints end to end, and its limits. */
class ConsoleServerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    static HttpResponse<String> get(Console console, String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(console.url().resolve(path)).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, Object> getJson(Console console, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(console, path);
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return Json.object(r.body());
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    static Map<String, Object> taskNamed(Map<String, Object> tasks, String name) {
        return list(tasks.get("tasks")).stream().filter(t -> name.equals(t.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no task named " + name + " in " + tasks));
    }

    /** Polls {@code path} until {@code ok} holds for its JSON, for up to 10 s. */
    static Map<String, Object> getJsonUntil(Console console, String path, Predicate<Map<String, Object>> ok)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Map<String, Object> json = getJson(console, path);
            if (ok.test(json)) {
                return json;
            }
            assertThat(System.nanoTime()).as("GET %s did not show what was expected within 10 s; last: %s", path, json)
                    .isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** The user's own frame that a suspended stack must show. */
    private static void waitInUserCode(Notify release) {
        release.notified().await();
    }

    @Test
    void theJsonEndpointAnswersWhileEveryWorkerIsBlocked() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("stuck").onBlocking(r -> { }).build();
             Console console = Console.start(rt.handle())) {
            Notify wake = new Notify();
            JoinHandle<Void> waiter = rt.handle().spawn("waiter", Weft.async(() -> waitInUserCode(wake)));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!rt.handle().dumpTask(waiter.id()).orElseThrow().isSuspended()) {
                assertThat(System.nanoTime()).as("the waiter suspends within 5 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
            CountDownLatch inside = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            Set<Thread> held = ConcurrentHashMap.newKeySet();
            try {
                // One blocker per worker. A task spawned from outside is placed on a worker chosen at
                // spawn, in runs of 8, and a task placed on a held worker waits there: so spawn probes
                // until both workers hold one. A probe on a worker that already holds one returns.
                long deadline2 = System.nanoTime() + TIMEOUT.toNanos();
                while (inside.getCount() > 0) {
                    assertThat(System.nanoTime()).as("both workers held within 5 s").isLessThan(deadline2);
                    rt.handle().spawn("blocker", Weft.async(() -> {
                        if (held.add(Thread.currentThread())) {
                            inside.countDown();
                            release.await(); // holds its worker: the mistake the console must survive
                        }
                    }));
                    inside.await(1, TimeUnit.MILLISECONDS);
                }

                Map<String, Object> tasks = getJson(console, "/api/tasks");
                assertThat(tasks.get("runtime")).isEqualTo("stuck");
                assertThat((Long) tasks.get("now")).isPositive();
                assertThat(list(tasks.get("tasks"))).filteredOn(t -> "running".equals(t.get("state")))
                        .extracting(t -> t.get("name")).containsExactly("blocker", "blocker");
                assertThat(taskNamed(tasks, "waiter")).containsEntry("state", "idle").containsEntry("id", waiter.id())
                        .containsEntry("body", ConsoleServerTest.class.getName() + " (lambda)")
                        .containsKeys("bodyClass", "location", "parentId", "polls", "busyNanos", "scheduledNanos",
                                "idleNanos", "ageNanos", "wakes", "selfWakes", "span", "warnings");

                Map<String, Object> metrics = getJson(console, "/api/metrics");
                assertThat(metrics).containsEntry("runtime", "stuck").containsEntry("multiThread", true);
                assertThat((Long) metrics.get("liveTasks")).isGreaterThanOrEqualTo(3L);
                assertThat(list(metrics.get("workers"))).hasSize(2).allSatisfy(w -> {
                    assertThat(w).containsEntry("idle", false);
                    assertThat(w.get("thread")).asString().startsWith("stuck-worker-");
                });
                assertThat(list(metrics.get("workers"))).extracting(w -> w.get("currentTaskId"))
                        .containsExactlyInAnyOrderElementsOf(list(tasks.get("tasks")).stream()
                                .filter(t -> "running".equals(t.get("state"))).map(t -> t.get("id")).toList());

                Map<String, Object> detail = getJson(console, "/api/tasks/" + waiter.id());
                assertThat(detail).containsEntry("name", "waiter").containsEntry("state", "idle");
                assertThat(detail.get("suspendedAt")).asList().anySatisfy(f -> assertThat(f).asString()
                        .startsWith(ConsoleServerTest.class.getName() + ".waitInUserCode(ConsoleServerTest.java:"));
                assertThat(detail.get("site")).asList().first().asString()
                        .startsWith("task " + waiter.id() + " \"waiter\" (body " + ConsoleServerTest.class.getName());
                assertThat(detail).containsKeys("pollTimes", "blocking");

                assertThat(getJson(console, "/api/lints")).containsKey("lints");
                assertThat(get(console, "/").body()).contains("<table id=\"tasks\"");
            } finally {
                release.countDown();
                wake.notifyWaiters();
            }
            rt.blockOn(waiter);
        }
    }

    @Test
    void aTaskSleepingOnAWorkerIsShownAsBlocking() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("sleepy")
                .blockingThreshold(Duration.ofMillis(20)).onBlocking(r -> { }).build();
             Console console = Console.start(rt.handle())) {
            AtomicReference<Thread> worker = new AtomicReference<>();
            CountDownLatch sleeping = new CountDownLatch(1);
            JoinHandle<Void> sleeper = rt.handle().spawn("sleeper", Weft.async(() -> {
                worker.set(Thread.currentThread());
                sleeping.countDown();
                try {
                    Thread.sleep(60_000); // until the test interrupts it
                } catch (InterruptedException released) {
                    // the test has seen the warning
                }
            }));
            try {
                assertThat(sleeping.await(5, TimeUnit.SECONDS)).isTrue();
                Map<String, Object> tasks = getJsonUntil(console, "/api/tasks",
                        json -> !list(taskNamed(json, "sleeper").get("warnings")).isEmpty());

                assertThat(list(taskNamed(tasks, "sleeper").get("warnings"))).singleElement().satisfies(w -> {
                    assertThat(w).containsEntry("lint", "blocking");
                    assertThat(w.get("message")).asString().contains("is blocking worker sleepy-worker-")
                            .contains("Thread.sleep").contains("Weft.spawnBlocking");
                });
                Map<String, Object> detail = getJson(console, "/api/tasks/" + sleeper.id());
                assertThat(list(detail.get("blocking"))).singleElement().satisfies(b -> {
                    assertThat(b).containsEntry("ongoing", true);
                    assertThat((Long) b.get("blockedForNanos")).isGreaterThanOrEqualTo(20_000_000L);
                    assertThat(b.get("stack")).asList().anySatisfy(f -> assertThat(f).asString().contains("java.lang.Thread.sleep("));
                });
                assertThat(list(getJson(console, "/api/lints").get("lints"))).anySatisfy(l ->
                        assertThat(l).containsEntry("lint", "blocking").containsEntry("taskId", sleeper.id()));
            } finally {
                worker.get().interrupt();
            }
            rt.blockOn(sleeper);
        }
    }

    @Test
    void aFutureThatNeverAsksForItsWakerIsShownAsALostWaker() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("lost").build();
             Console console = Console.start(rt.handle())) {
            JoinHandle<Object> forgetful = rt.handle().spawn("forgetful", new Future<>() {
                @Override
                public Object poll(Context cx) {
                    return PENDING; // without cx.waker(): nothing can ever wake this task
                }
            });
            Notify wake = new Notify();
            JoinHandle<Void> waiter = rt.handle().spawn("waiter", Weft.async(() -> waitInUserCode(wake)));

            Map<String, Object> tasks = getJsonUntil(console, "/api/tasks",
                    json -> !list(taskNamed(json, "forgetful").get("warnings")).isEmpty()
                            && "idle".equals(taskNamed(json, "waiter").get("state")));

            assertThat(list(taskNamed(tasks, "forgetful").get("warnings"))).singleElement().satisfies(w -> {
                assertThat(w).containsEntry("lint", "lost-waker");
                assertThat(w.get("message")).asString().contains("\"forgetful\" is idle and nothing can wake it");
            });
            assertThat(list(taskNamed(tasks, "waiter").get("warnings"))).as("a block awaiting a Notify is fine").isEmpty();
            assertThat(list(getJson(console, "/api/lints").get("lints"))).singleElement().satisfies(l ->
                    assertThat(l).containsEntry("lint", "lost-waker").containsEntry("taskId", forgetful.id()));
            forgetful.abort();
            wake.notifyWaiters();
            rt.blockOn(waiter);
        }
    }

    @Test
    void aCurrentThreadRuntimeIsShownWithoutWorkers() throws Exception {
        try (Runtime rt = Runtime.builder().currentThread().name("single").build();
             Console console = Console.start(rt.handle())) {
            JoinHandle<Object> queued = rt.handle().spawn("queued", new Future<>() {
                @Override
                public Object poll(Context cx) {
                    return PENDING;
                }
            });
            // Nothing drives the runtime here, so the task waits in its queue: shown, never polled.
            assertThat(taskNamed(getJson(console, "/api/tasks"), "queued"))
                    .containsEntry("state", "scheduled").containsEntry("polls", 0L);
            Map<String, Object> metrics = getJson(console, "/api/metrics");
            assertThat(metrics).containsEntry("multiThread", false).containsEntry("runtime", "single");
            assertThat(list(metrics.get("workers"))).isEmpty();
            queued.abort();
        }
    }

    @Test
    void itIsReadOnlyAndSaysSoForAnythingButGet() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).name("ro").build();
             Console console = Console.start(rt.handle())) {
            for (String method : List.of("POST", "PUT", "DELETE")) {
                HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(console.url().resolve("/api/tasks"))
                        .timeout(TIMEOUT).method(method, HttpRequest.BodyPublishers.ofString("{}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(method).isEqualTo(405);
                assertThat(r.headers().firstValue("Allow")).hasValue("GET");
                assertThat(Json.object(r.body()).get("error")).asString().contains("read-only");
            }
        }
    }

    @Test
    void anUnknownTaskOrPathIsA404WithAJsonError() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).name("nf").build();
             Console console = Console.start(rt.handle())) {
            for (String path : List.of("/api/tasks/987654321", "/api/tasks/abc", "/api/tasks/", "/api/nothing", "/x")) {
                HttpResponse<String> r = get(console, path);
                assertThat(r.statusCode()).as(path).isEqualTo(404);
                assertThat(Json.object(r.body()).get("error")).as(path).asString().isNotBlank();
            }
            assertThat(Json.object(get(console, "/api/tasks/987654321").body()).get("error"))
                    .isEqualTo("no live task has the id 987654321");
        }
    }

    @Test
    void itListensOnLoopbackOnlyAndRefusesAnyOtherAddress() throws Exception {
        InetAddress any = InetAddress.getByName("0.0.0.0");
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).name("lo").build()) {
            assertThatThrownBy(() -> Console.builder(rt.handle()).bindAddress(any))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback address only")
                    .hasMessageContaining("0.0.0.0");
            try (Console console = Console.start(rt.handle())) {
                assertThat(console.address().getAddress().isLoopbackAddress()).isTrue();
                assertThat(console.url().toString()).startsWith("http://127.0.0.1:");
            }
        }
    }

    @Test
    void aRequestForAnotherHostNameIsRefused() throws Exception {
        // A page elsewhere that points its own host name at 127.0.0.1 (DNS rebinding) sends that name.
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).name("host").build();
             Console console = Console.start(rt.handle());
             Socket s = new Socket(console.address().getAddress(), console.address().getPort())) {
            s.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/tasks HTTP/1.1\r\nHost: evil.example:" + console.address().getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 403").contains("evil.example").doesNotContain("\"tasks\"");
        }
    }

    @Test
    void closingStopsListening() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).name("bye").build()) {
            Console console = Console.start(rt.handle());
            URI url = console.url();
            assertThat(get(console, "/api/metrics").statusCode()).isEqualTo(200);
            console.close();
            assertThatThrownBy(() -> CLIENT.send(HttpRequest.newBuilder(url.resolve("/api/metrics")).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
        }
    }
}
