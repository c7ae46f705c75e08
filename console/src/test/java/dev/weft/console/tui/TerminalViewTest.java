package dev.weft.console.tui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import dev.weft.Weft;
import dev.weft.console.Console;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Notify;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * weft-console against a real console on a real multi-thread runtime: the live view in a pseudo-terminal
 * (util-linux {@code script} gives it a real tty), and {@code --once} without one.
 */
class TerminalViewTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String[] NAMES = {"tui-acceptor", "tui-conn-7", "tui-purger"};

    private Runtime rt;
    private Console console;
    private final Notify release = new Notify();

    /** Three named tasks, idle until the test ends: one spawned through a handle, two from inside a task. */
    @BeforeEach
    void startARuntimeAndItsConsole() throws InterruptedException {
        rt = Runtime.builder().multiThread().workerThreads(2).name("tui-test").build();
        console = Console.start(rt.handle());
        CountDownLatch spawned = new CountDownLatch(1);
        rt.handle().spawn(NAMES[0], Weft.async(() -> {
            Weft.spawn(NAMES[1], () -> release.notified().await());
            Weft.spawn(NAMES[2], () -> release.notified().await());
            spawned.countDown();
            release.notified().await();
        }));
        assertThat(spawned.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).as("the tasks are spawned").isTrue();
    }

    @AfterEach
    void stop() {
        console.close();
        rt.close();
    }

    private String url() {
        return console.url().toString();
    }

    @Test
    void theLiveViewInAPseudoTerminalShowsTheTasksSortsOpensAndGivesTheTerminalBack() throws Exception {
        try (Pty pty = Pty.start(url())) {
            pty.await(0, "tui-test", "sorted by busy", NAMES[0], NAMES[1], NAMES[2]);

            int before = pty.length();
            pty.type("\r");
            int detail = pty.await(before, "Spawned", "TerminalViewTest", "Poll times", "Suspended at",
                    "Esc or Backspace back");

            pty.type("\u001b");
            pty.await(detail, "sorted by busy");

            int beforeSort = pty.length();
            pty.type("p");
            pty.await(beforeSort, "sorted by polls");

            pty.type("q");
            assertThat(pty.exitCode()).as("exit status; output:%n%s", pty.text()).isZero();

            String out = pty.text();
            assertThat(out).contains("\u001b[?1049h", "\u001b[?25l");
            int leave = out.lastIndexOf("\u001b[?1049l");
            assertThat(leave).as("the alternate screen is left").isGreaterThan(out.lastIndexOf("sorted by polls"));
            assertThat(out.substring(out.lastIndexOf("\u001b[?1049h"), leave)).contains("\u001b[?25h");
            assertThat(pty.sttyBefore()).as("the terminal's settings afterwards are those before").isNotEmpty()
                    .isEqualTo(pty.sttyAfter());
            assertThat(out).doesNotContain("Exception");
        }
    }

    @Test
    void anEndpointThatCannotBeReachedIsSaidOnTheScreenAndRetried() throws Exception {
        String closed = "http://127.0.0.1:" + closedPort();
        try (Pty pty = Pty.start(closed)) {
            int first = pty.await(0, "cannot reach " + closed + ": connection refused; retrying");
            // It keeps trying: the screen is drawn again on the next attempt, a second later.
            pty.await(first, "cannot reach " + closed);
            pty.type("q");
            assertThat(pty.exitCode()).as("exit status; output:%n%s", pty.text()).isZero();
            assertThat(pty.text()).doesNotContain("Exception", "\tat ");
            assertThat(pty.sttyBefore()).isEqualTo(pty.sttyAfter());
        }
    }

    @Test
    void oncePrintsOnePlainSnapshotWithoutATerminal() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = TerminalView.run(new String[] {"--once", url()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as("stderr: %s", err).isZero();
        assertThat(text).startsWith("tui-test \u00b7 ").contains(NAMES).contains("sorted by busy")
                .doesNotContain("\u001b", "q quit");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void onceSaysWhyItCouldNotReachTheEndpointAndExitsWithTwo() throws IOException {
        int port = closedPort();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = TerminalView.run(new String[] {"--once", Integer.toString(port)}, new PrintStream(
                new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(TerminalView.UNREACHABLE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("weft-console: cannot reach http://127.0.0.1:" + port + ": connection refused\n");
    }

    @Test
    void onceAtSomethingElseThanAConsoleExitsWithOne() throws IOException {
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", ex -> {
            byte[] page = "<html>not here</html>".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(404, page.length);
            ex.getResponseBody().write(page);
            ex.close();
        });
        other.start();
        try {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int port = other.getAddress().getPort();
            int status = TerminalView.run(new String[] {"--once", "127.0.0.1:" + port},
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));

            assertThat(status).isEqualTo(TerminalView.BAD_ANSWER);
            assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("weft-console: http://127.0.0.1:" + port
                    + "/api/tasks answered HTTP 404: is this a Weft console?\n");
        } finally {
            other.stop(0);
        }
    }

    @Test
    void aCommandLineItDoesNotUnderstandExitsWith64() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(TerminalView.run(new String[] {"--bogus"}, quiet, errors)).isEqualTo(TerminalView.USAGE);
        assertThat(TerminalView.run(new String[] {"ftp://host:1"}, quiet, errors)).isEqualTo(TerminalView.USAGE);
        assertThat(TerminalView.run(new String[] {"1", "2"}, quiet, errors)).isEqualTo(TerminalView.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unexpected argument '--bogus'",
                "'ftp://host:1' is not an http:// URL", "unexpected argument '2'");
        assertThat(TerminalView.endpointUrl("9000")).hasToString("http://127.0.0.1:9000");
        assertThat(TerminalView.endpointUrl("localhost:9000")).hasToString("http://localhost:9000");
    }

    /** A port nothing listens on: one the OS just gave out and took back. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * The terminal view run by {@code script -q -f -e -c <command> /dev/null}: util-linux's {@code script}
     * makes a pseudo-terminal, runs the command on it as its controlling terminal, copies what is typed on
     * its stdin to it and what it shows to its stdout. The command prints the terminal's settings
     * ({@code stty -g}) before and after the view, so a test can check they were given back.
     */
    private static final class Pty implements AutoCloseable {
        private static final Pattern BEFORE = Pattern.compile("stty-before=(\\S+)");
        private static final Pattern AFTER = Pattern.compile("stty-after=(\\S+)");

        private final Process process;
        private final OutputStream keys;
        private final StringBuilder output = new StringBuilder();
        private boolean ended; // guarded by output

        private Pty(Process process) {
            this.process = process;
            this.keys = process.getOutputStream();
            Thread.ofPlatform().daemon().name("pty-output").start(this::copyOutput);
        }

        static Pty start(String url) throws IOException {
            String script = onPath("script");
            if (script == null) {
                fail("the terminal view's test needs util-linux's 'script' on the PATH to make a pseudo-terminal "
                        + "(Debian: apt-get install bsdutils); none was found in " + System.getenv("PATH"));
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classes;
            try {
                classes = Path.of(TerminalView.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                        .toString();
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
            // A size, as a real terminal has one; the view reads it with stty size.
            String command = "stty rows 30 cols 120; echo stty-before=$(stty -g); "
                    + quote(java) + " -cp " + quote(classes) + " " + TerminalView.class.getName() + " " + quote(url)
                    + "; status=$?; echo stty-after=$(stty -g); exit $status";
            ProcessBuilder pb = new ProcessBuilder(script, "-q", "-f", "-e", "-c", command, "/dev/null")
                    .redirectErrorStream(true);
            pb.environment().put("SHELL", "/bin/sh");
            return new Pty(pb.start());
        }

        private void copyOutput() {
            byte[] buffer = new byte[8192];
            try (InputStream in = process.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (output) {
                        output.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                        output.notifyAll();
                    }
                }
            } catch (IOException e) {
                // The pipe broke: what came through is all there is, as at the end below.
            }
            synchronized (output) {
                ended = true;
                output.notifyAll();
            }
        }

        /** Types {@code text} on the terminal. */
        void type(String text) throws IOException {
            keys.write(text.getBytes(StandardCharsets.US_ASCII));
            keys.flush();
        }

        int length() {
            synchronized (output) {
                return output.length();
            }
        }

        String text() {
            synchronized (output) {
                return output.toString();
            }
        }

        /**
         * Waits until every one of {@code texts} has appeared after offset {@code from}, and returns the
         * offset just past the last of them. Fails at the deadline, showing what the screen said.
         */
        int await(int from, String... texts) throws InterruptedException {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            synchronized (output) {
                while (true) {
                    int end = -1;
                    for (String t : texts) {
                        int at = output.indexOf(t, from);
                        if (at < 0) {
                            end = -1;
                            break;
                        }
                        end = Math.max(end, at + t.length());
                    }
                    if (end >= 0) {
                        return end;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || ended) {
                        fail("the terminal view did not show %s within %s (%s); it wrote:%n%s", List.of(texts),
                                DEADLINE, ended ? "its output ended" : "still running", output.substring(from));
                    }
                    output.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }

        int exitCode() throws InterruptedException {
            if (!process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("the terminal view did not exit within %s after q; it wrote:%n%s", DEADLINE, text());
            }
            return process.exitValue();
        }

        String sttyBefore() throws InterruptedException {
            return settings(BEFORE);
        }

        String sttyAfter() throws InterruptedException {
            return settings(AFTER);
        }

        private String settings(Pattern p) throws InterruptedException {
            await(0, p.pattern().substring(0, p.pattern().indexOf('=') + 1));
            Matcher m = p.matcher(text());
            return m.find() ? m.group(1) : "";
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        private static String quote(String s) {
            return "'" + s.replace("'", "'\\''") + "'";
        }

        private static String onPath(String program) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path p = Path.of(dir, program);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
            return null;
        }
    }
}
