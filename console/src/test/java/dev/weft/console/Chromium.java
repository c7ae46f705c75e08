package dev.weft.console;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A headless Chromium for tests, driven over the Chrome DevTools Protocol with the JDK's own WebSocket
 * client: no Selenium, no driver binary, no npm. It starts Debian's {@code chromium} with a fresh
 * profile in a temporary directory and a DevTools port of its choosing (read back from the profile's
 * {@code DevToolsActivePort} file), attaches to the page it opened, and offers the three things the
 * tests need: navigate, evaluate an expression, and wait until an expression is true.
 *
 * <p>{@link #close()} kills the browser and deletes its directory.
 */
final class Chromium implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final Path dir;
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();

    private Chromium(Process process, Path dir, WebSocket socket) {
        this.process = process;
        this.dir = dir;
        this.socket = socket;
    }

    /**
     * Starts a headless Chromium and attaches to its page.
     *
     * @throws AssertionError if Chromium is not installed, with what to do about it
     */
    static Chromium launch() throws IOException, InterruptedException {
        String exe = find();
        Path dir = Files.createTempDirectory("weft-console-chromium-");
        Path profile = dir.resolve("profile");
        Path log = dir.resolve("chromium.log");
        ProcessBuilder pb = new ProcessBuilder(exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1000", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // Chromium's crash handler keeps its database under the user's config directory; keep it in ours.
        pb.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        Process p = pb.start();
        try {
            int port = devToolsPort(p, profile.resolve("DevToolsActivePort"), log);
            HttpClient http = HttpClient.newHttpClient();
            String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                    .timeout(CALL_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString()).body();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> targets = (List<Map<String, Object>>) Json.parse(list);
            String pageSocket = targets.stream().filter(t -> "page".equals(t.get("type")))
                    .map(t -> (String) t.get("webSocketDebuggerUrl")).findFirst()
                    .orElseThrow(() -> new AssertionError("Chromium opened no page: " + list));
            Listener listener = new Listener();
            WebSocket ws = http.newWebSocketBuilder().connectTimeout(CALL_TIMEOUT)
                    .buildAsync(URI.create(pageSocket), listener).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Chromium c = new Chromium(p, dir, ws);
            listener.owner = c;
            return c;
        } catch (Exception | AssertionError e) {
            String out = Files.exists(log) ? Files.readString(log) : "";
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            deleteTree(dir);
            if (e instanceof AssertionError a) {
                throw a;
            }
            throw new AssertionError("could not attach to Chromium: " + e + "\nits output:\n" + out, e);
        }
    }

    private static String find() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, "chromium");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        if (Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            return "/usr/bin/chromium";
        }
        throw new AssertionError("Chromium is not installed: the console's browser test needs Debian's 'chromium'"
                + " package (looked for 'chromium' on PATH and at /usr/bin/chromium). ./test.sh installs it through"
                + " scripts/deps.sh; by hand: apt-get install chromium");
    }

    /** Waits for Chromium to write the port it listens on; fails with its output if it dies first. */
    private static int devToolsPort(Process p, Path file, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                if (lines.size() >= 2) { // written whole, port then browser path
                    return Integer.parseInt(lines.get(0).trim());
                }
            }
            if (!p.isAlive()) {
                throw new AssertionError("Chromium exited with status " + p.exitValue() + " before it listened:\n"
                        + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Chromium did not write " + file + " within " + START_TIMEOUT + ":\n"
                        + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    /** Sends one DevTools command and waits for its result. */
    Map<String, Object> call(String method, Map<String, Object> params) throws Exception {
        long id = ids.incrementAndGet();
        JsonWriter w = new JsonWriter().beginObject().field("id", id).field("method", method).name("params").beginObject();
        params.forEach((k, v) -> {
            switch (v) {
                case String s -> w.field(k, s);
                case Boolean b -> w.field(k, b);
                case Number n -> w.field(k, n.longValue());
                default -> throw new IllegalArgumentException(k + ": " + v);
            }
        });
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(w.endObject().endObject().toString(), true).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Map<String, Object> r = reply.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (r.containsKey("error")) {
            throw new AssertionError(method + " failed: " + r.get("error"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) r.get("result");
        return result;
    }

    /** Opens {@code url} and waits until the document has loaded. */
    void navigate(URI url) throws Exception {
        call("Page.navigate", Map.of("url", url.toString()));
        waitUntil("document.readyState === 'complete' && location.href === " + jsString(url.toString()),
                Duration.ofSeconds(10));
    }

    /** The value of a JavaScript expression in the page (awaited if it is a promise), as JSON would give it. */
    Object eval(String expression) throws Exception {
        Map<String, Object> r = call("Runtime.evaluate",
                Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.containsKey("exceptionDetails")) {
            throw new AssertionError("the page threw evaluating " + expression + ": " + r.get("exceptionDetails"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> value = (Map<String, Object>) r.get("result");
        return value.get("value");
    }

    /** Evaluates {@code expression} until it is {@code true}, or fails after {@code timeout}. */
    void waitUntil(String expression, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = eval(expression);
            } catch (AssertionError e) {
                last = e.getMessage(); // a page still loading may not have the elements yet
            }
            if (Boolean.TRUE.equals(last)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not true within " + timeout + ": " + expression + " (last: " + last + ")");
    }

    /** A JavaScript string literal for {@code s}. */
    static String jsString(String s) {
        return new JsonWriter().value(s).toString();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        socket.abort();
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        // Its helpers leave with it, the crash handler (not a child: it detaches) a moment later. They
        // are ours if their command line names our directory; wait for them, then end any left.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<ProcessHandle> left;
        while (!(left = ours()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        for (ProcessHandle h : left) {
            h.destroyForcibly();
        }
        for (int attempt = 0; ; attempt++) {
            try {
                deleteTree(dir);
                return;
            } catch (UncheckedIOException e) {
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** The live processes whose command line names this browser's directory. */
    private List<ProcessHandle> ours() {
        String mark = dir.toString();
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().arguments().map(args -> String.join(" ", args).contains(mark)).orElse(false))
                .toList();
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            List<Path> paths = new ArrayList<>(all.sorted(Comparator.reverseOrder()).toList());
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Joins text frames into messages and hands each reply to its caller; events are ignored. */
    private static final class Listener implements WebSocket.Listener {
        volatile Chromium owner;
        private final StringBuilder buf = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            buf.append(data);
            if (last) {
                Map<String, Object> msg = Json.object(buf.toString());
                buf.setLength(0);
                if (msg.get("id") instanceof Long id && owner != null) {
                    CompletableFuture<Map<String, Object>> f = owner.pending.remove(id);
                    if (f != null) {
                        f.complete(msg);
                    }
                }
            }
            ws.request(1);
            return null;
        }
    }
}
