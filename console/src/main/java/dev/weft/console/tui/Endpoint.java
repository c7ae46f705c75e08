package dev.weft.console.tui;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * A client of one console endpoint: fetches the task list, the counters and the lints
 * ({@link #snapshot()}) and one task's detail ({@link #task}). Every way a fetch can fail becomes one
 * {@link Unavailable} whose message is a sentence for the screen ("cannot reach http://127.0.0.1:6380:
 * connection refused"), never a stack trace.
 *
 * <p>Blocking calls, one at a time, over HTTP/1.1 (the console's server is a small one on loopback; an
 * HTTP/2 upgrade would only cost a round trip). Each request gives up after the timeout given.
 */
final class Endpoint implements AutoCloseable {
    private final URI base;
    private final String shown;
    private final Duration timeout;
    private final HttpClient client;

    /**
     * @param base    the endpoint, such as {@code http://127.0.0.1:6380}
     * @param timeout how long to wait to connect, and then for each answer
     */
    Endpoint(URI base, Duration timeout) {
        String s = base.toString();
        this.shown = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        this.base = URI.create(shown + "/");
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Why the endpoint could not give an answer, in words for the user. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean reached;

        /** @param reached whether something answered (but not as a console does), as against no answer at all */
        Unavailable(String message, boolean reached) {
            super(message, null, false, false);
            this.reached = reached;
        }

        boolean reached() {
            return reached;
        }
    }

    /** The endpoint as shown to the user (without a trailing slash). */
    String url() {
        return shown;
    }

    /** The task list, the counters and the runtime-wide lints. */
    Snapshot snapshot() throws Unavailable {
        Object tasks = get("api/tasks", false);
        Object metrics = get("api/metrics", true);
        Object lints = get("api/lints", true);
        try {
            return Snapshot.from(tasks, metrics, lints);
        } catch (IllegalArgumentException e) {
            throw new Unavailable(shown + " did not answer as a Weft console does: " + e.getMessage(), true);
        }
    }

    /** One task's detail, or null when no live task has that id. */
    TaskDetail task(long id) throws Unavailable {
        Object json = get("api/tasks/" + id, true);
        if (json == null) {
            return null;
        }
        try {
            return TaskDetail.from(json);
        } catch (IllegalArgumentException e) {
            throw new Unavailable(shown + " did not answer as a Weft console does: " + e.getMessage(), true);
        }
    }

    /** The parsed JSON at {@code path}; null for a 404 when {@code mayBeMissing}. */
    private Object get(String path, boolean mayBeMissing) throws Unavailable {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException | UnresolvedAddressException e) {
            throw new Unavailable("cannot reach " + shown + ": " + reason(e), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted", false);
        }
        int status = response.statusCode();
        if (status == 404 && mayBeMissing) {
            return null;
        }
        if (status != 200) {
            String why = errorText(response.body());
            throw new Unavailable(shown + "/" + path + " answered HTTP " + status
                    + (why != null ? ": " + why : status == 404 ? ": is this a Weft console?" : ""), true);
        }
        try {
            return Json.parse(response.body());
        } catch (IllegalArgumentException e) {
            throw new Unavailable(shown + "/" + path + " did not answer with JSON (" + e.getMessage() + ")", true);
        }
    }

    /** The console's own words on a refusal ({@code {"error": "..."}}), or null if the body is not that. */
    private static String errorText(String body) {
        try {
            Object error = JsonObject.of(Json.parse(body), "the answer").fields().get("error");
            return error instanceof String s ? Renderer.clean(s) : null;
        } catch (IllegalArgumentException notTheConsoles) {
            return null;
        }
    }

    /**
     * A few words for why a request failed. The HTTP client often wraps the socket's exception, and a
     * refused connection may come without a message, so the chain is searched for the kind that says most.
     */
    static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return "no answer to connect (timed out)";
            }
            if (t instanceof HttpTimeoutException) {
                return "no answer in time (timed out)";
            }
            if (t instanceof ConnectException) {
                // "Connection refused", "No route to host"; the HTTP client's own often has no message.
                String m = t.getMessage();
                return m == null || m.isBlank() ? "connection refused" : m.toLowerCase(Locale.ROOT);
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "unknown host";
            }
        }
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return failure.getClass().getSimpleName();
        }
        return message;
    }

    @Override
    public void close() {
        client.close();
    }
}
