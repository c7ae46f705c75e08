package dev.weft.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.weft.console.Sample.SeenReport;
import dev.weft.runtime.Handle;
import dev.weft.runtime.RuntimeMetrics;
import dev.weft.runtime.TaskDump;
import dev.weft.runtime.TaskInfo;
import dev.weft.runtime.WorkerInfo;
import dev.weft.trace.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The console's one HTTP handler: the JSON endpoints of docs' contract (notes/console-json.md, and
 * the guide's console chapter) and the web page's three files. Read-only: GET or nothing (405).
 *
 * <p>It also refuses a request whose {@code Host} header is not the loopback address it listens on: a
 * web page on another site could otherwise point a host name of its own at 127.0.0.1 ("DNS rebinding")
 * and read the console from the user's browser.
 */
final class Routes implements HttpHandler {
    private static final String JSON = "application/json; charset=utf-8";
    private static final String TASK_PREFIX = "/api/tasks/";

    private final Handle handle;
    private final Sampler sampler;
    private final Set<String> allowedHosts;
    private final byte[] page = resource("index.html");
    private final byte[] script = resource("console.js");
    private final byte[] style = resource("console.css");

    Routes(Handle handle, Sampler sampler, int port) {
        this.handle = handle;
        this.sampler = sampler;
        this.allowedHosts = Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port);
    }

    private static byte[] resource(String name) {
        try (InputStream in = Routes.class.getResourceAsStream("web/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the console's web/" + name + " is missing from its jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "GET");
                sendError(ex, 405, "the Weft console is read-only: only GET is allowed, not " + ex.getRequestMethod());
                return;
            }
            String host = ex.getRequestHeaders().getFirst("Host");
            if (host == null || !allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
                sendError(ex, 403, "the Weft console answers requests for 127.0.0.1, localhost or [::1] on its"
                        + " own port only, not for host " + host);
                return;
            }
            route(ex, ex.getRequestURI().getPath());
        } catch (RuntimeException | Error e) {
            System.getLogger("dev.weft.console").log(System.Logger.Level.WARNING, "console request "
                    + ex.getRequestURI() + " failed", e);
            try {
                sendError(ex, 500, "the console failed: " + e);
            } catch (IOException | RuntimeException alreadySent) {
                // The response had begun; closing the exchange cuts it off, which the client sees.
            }
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex, String path) throws IOException {
        switch (path) {
            case "/", "/index.html" -> send(ex, 200, "text/html; charset=utf-8", page);
            case "/static/console.js" -> send(ex, 200, "text/javascript; charset=utf-8", script);
            case "/static/console.css" -> send(ex, 200, "text/css; charset=utf-8", style);
            case "/api/tasks" -> sendJson(ex, 200, tasks());
            case "/api/metrics" -> sendJson(ex, 200, metrics());
            case "/api/lints" -> sendJson(ex, 200, lints());
            default -> {
                Optional<String> detail = path.startsWith(TASK_PREFIX) ? task(path.substring(TASK_PREFIX.length()))
                        : Optional.empty();
                if (detail.isPresent()) {
                    sendJson(ex, 200, detail.get());
                } else if (path.startsWith(TASK_PREFIX)) {
                    sendError(ex, 404, "no live task has the id " + path.substring(TASK_PREFIX.length()));
                } else {
                    sendError(ex, 404, "no such page: " + path);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Endpoints

    private String tasks() {
        Sample now = sampler.sampleNow();
        List<Lints.Warning> warnings = sampler.lints(now);
        JsonWriter w = new JsonWriter().beginObject()
                .field("runtime", handle.name())
                .field("now", System.currentTimeMillis())
                .name("tasks").beginArray();
        for (TaskInfo t : now.tasks()) {
            w.beginObject();
            taskFields(w, t, warnings);
            w.endObject();
        }
        return w.endArray().endObject().toString();
    }

    private Optional<String> task(String idText) {
        long id;
        try {
            id = Long.parseLong(idText);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Optional<TaskDump> found = handle.dumpTask(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        TaskDump dump = found.get();
        Sample now = sampler.sampleNow();
        JsonWriter w = new JsonWriter().beginObject();
        taskFields(w, dump.info(), sampler.lints(now));
        w.name("site").beginArray();
        for (String line : dump.info().site().describeChain().split("\n\t")) {
            w.value(line);
        }
        w.endArray();
        w.name("pollTimes").beginArray();
        for (int n : dump.info().pollTimes()) {
            w.value(n);
        }
        w.endArray();
        stack(w.name("suspendedAt"), dump.suspendedAt());
        w.name("blocking").beginArray();
        for (SeenReport r : now.reports()) {
            if (r.report().task().id() == id) {
                boolean ongoing = r.ongoingIn(now.metrics());
                w.beginObject()
                        .field("worker", r.report().worker())
                        .field("blockedForNanos", r.blockedForNanos(now.atNanos(), ongoing))
                        .field("ongoing", ongoing);
                stack(w.name("stack"), r.report().workerStack());
                w.endObject();
            }
        }
        return Optional.of(w.endArray().endObject().toString());
    }

    private String metrics() {
        RuntimeMetrics m = handle.metrics();
        JsonWriter w = new JsonWriter().beginObject()
                .field("runtime", m.runtime())
                .field("multiThread", m.multiThread())
                .field("liveTasks", m.liveTasks())
                .field("injectQueueDepth", m.injectQueueDepth())
                .field("polls", m.polls())
                .field("steals", m.steals())
                .field("parks", m.parks())
                .field("budgetForcedYields", m.budgetForcedYields())
                .field("blockingThreads", m.blockingThreads())
                .field("blockingIdleThreads", m.blockingIdleThreads())
                .field("blockingQueueDepth", m.blockingQueueDepth())
                .field("blockingReports", m.blockingReports())
                .field("pinnedAwaits", m.pinnedAwaits())
                .name("workers").beginArray();
        for (WorkerInfo wi : m.workers()) {
            w.beginObject()
                    .field("index", wi.index())
                    .field("thread", wi.thread())
                    .field("polls", wi.polls())
                    .field("steals", wi.steals())
                    .field("homed", wi.homed())
                    .field("parks", wi.parks())
                    .field("liveHomed", wi.liveHomed())
                    .field("queueDepth", wi.queueDepth())
                    .field("budgetYields", wi.budgetYields())
                    .field("idle", wi.idle())
                    .field("currentTaskId", wi.currentTaskId())
                    .endObject();
        }
        return w.endArray().endObject().toString();
    }

    private String lints() {
        JsonWriter w = new JsonWriter().beginObject().name("lints").beginArray();
        for (Lints.Warning l : sampler.lints(sampler.sampleNow())) {
            w.beginObject().field("lint", l.lint()).field("taskId", l.taskId()).field("message", l.message()).endObject();
        }
        return w.endArray().endObject().toString();
    }

    // ---------------------------------------------------------------------------------------------
    // Pieces

    /** The members a task has in the list and in its detail. */
    private static void taskFields(JsonWriter w, TaskInfo t, List<Lints.Warning> warnings) {
        w.field("id", t.id())
                .field("name", t.name())
                .field("body", Lints.describeBody(t.body()))
                .field("bodyClass", t.body())
                .field("location", t.site().location().map(Routes::fileAndLine).orElse(null))
                .field("parentId", t.site().parentId())
                .field("state", t.state())
                .field("polls", t.polls())
                .field("busyNanos", t.busyNanos())
                .field("scheduledNanos", t.scheduledNanos())
                .field("idleNanos", t.idleNanos())
                .field("ageNanos", t.ageNanos())
                .field("wakes", t.wakes())
                .field("selfWakes", t.selfWakes());
        Span span = t.span();
        if (span == null) {
            w.name("span").nullValue();
        } else {
            w.name("span").beginObject().field("id", span.id()).field("name", span.name()).name("fields").beginObject();
            for (Map.Entry<String, Object> f : span.fields().entrySet()) {
                w.field(f.getKey(), String.valueOf(f.getValue()));
            }
            w.endObject().endObject();
        }
        w.name("warnings").beginArray();
        for (Lints.Warning l : warnings) {
            if (l.taskId() == t.id()) {
                w.beginObject().field("lint", l.lint()).field("message", l.message()).endObject();
            }
        }
        w.endArray();
    }

    private static void stack(JsonWriter w, List<StackTraceElement> frames) {
        w.beginArray();
        for (StackTraceElement e : frames) {
            w.value(e.toString());
        }
        w.endArray();
    }

    private static String fileAndLine(StackTraceElement e) {
        return e.getFileName() != null ? e.getFileName() + ":" + e.getLineNumber() : e.toString();
    }

    private static void sendError(HttpExchange ex, int status, String message) throws IOException {
        sendJson(ex, status, new JsonWriter().beginObject().field("error", message).endObject().toString());
    }

    private static void sendJson(HttpExchange ex, int status, String json) throws IOException {
        send(ex, status, JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Content-Security-Policy", "default-src 'self'");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
