package dev.weft.console.tui;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code weft-console}: a terminal view of a running Weft program, for when the console's web page is out of
 * reach (a server over SSH). It reads the same loopback endpoint as the page does, and shows, refreshed
 * every second, the runtime and its workers, then the live tasks sorted by busy time; Enter opens one
 * task: where it was spawned, how long its polls take, where it is suspended, what blocked.
 *
 * <pre>
 * weft-console                          # http://127.0.0.1:6380
 * weft-console http://127.0.0.1:9000
 * weft-console 9000                     # the same: a port alone means loopback
 * weft-console --once 9000 | grep accept
 * </pre>
 *
 * <p>Keys: {@code b}, {@code i}, {@code p} sort by busy time, idle time, polls; up and down (or {@code j}
 * and {@code k}) select, page up and page down jump; Enter opens the selected task, Esc or Backspace
 * goes back; {@code q} (or Ctrl-C) quits and gives the terminal back as it was.
 *
 * <p>The view draws on the alternate screen with ANSI escapes, with the terminal in raw mode; it needs a
 * Unix terminal and {@code stty}. {@code --once} prints one plain snapshot instead (no escapes, no raw
 * mode, every task, nothing cut) and exits, for scripts. It only reads: nothing it does changes the
 * program it watches.
 *
 * <p>Exit status: 0 when it quit normally; 1 when the endpoint answered, but not as a Weft console does;
 * 2 when {@code --once} could not reach the endpoint (the live view keeps retrying instead, and says so on
 * the screen); 3 when the live view has no terminal to draw on; 64 for a command line it does not
 * understand.
 */
public final class TerminalView {
    static final int OK = 0;
    static final int BAD_ANSWER = 1;
    static final int UNREACHABLE = 2;
    static final int NO_TERMINAL = 3;
    static final int USAGE = 64;

    /** Where the console serves when nothing else is said. */
    static final String DEFAULT_URL = "http://127.0.0.1:6380";

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final String USAGE_TEXT = """
            Usage: weft-console [--once] [URL]

            A terminal view of a running Weft program's console endpoint.

              URL       the console, such as http://127.0.0.1:9000, 127.0.0.1:9000 or just 9000
                        (default: %s)
              --once    print one plain snapshot and exit (no escapes, no raw mode), for scripts
              --help    show this help and exit

            Keys: b/i/p sort by busy, idle, polls; up/down or j/k select; PgUp/PgDn page;
                  Enter opens a task; Esc or Backspace goes back; q quits.

            Exit status: 0 done; 1 the endpoint is not a Weft console; 2 --once could not reach it;
                         3 no terminal (use --once); 64 bad command line.
            """.formatted(DEFAULT_URL);

    private final Endpoint endpoint;
    private final Terminal terminal;
    private final boolean unicode;
    private final ZoneId zone = ZoneId.systemDefault();
    private final BlockingQueue<Key> keys = new LinkedBlockingQueue<>();

    // Written and read by the view's loop only.
    private ViewState view = ViewState.INITIAL;
    private Snapshot snapshot;
    private TaskDetail detail;
    private String problem;
    private int rows;
    private int columns;
    private int pageRows = 1;

    private TerminalView(Endpoint endpoint, Terminal terminal, boolean unicode) {
        this.endpoint = endpoint;
        this.terminal = terminal;
        this.unicode = unicode;
    }

    /** Runs the view; see the class documentation for the arguments and the exit status. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The whole program short of exiting: returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean once = false;
        String target = null;
        for (String arg : args) {
            switch (arg) {
                case "--help", "-h" -> {
                    out.print(USAGE_TEXT);
                    return OK;
                }
                case "--once" -> once = true;
                default -> {
                    if (arg.startsWith("-") || target != null) {
                        err.println("weft-console: unexpected argument '" + arg + "'");
                        err.print(USAGE_TEXT);
                        return USAGE;
                    }
                    target = arg;
                }
            }
        }
        URI url;
        try {
            url = endpointUrl(target == null ? DEFAULT_URL : target);
        } catch (IllegalArgumentException e) {
            err.println("weft-console: " + e.getMessage());
            return USAGE;
        }
        boolean unicode = StandardCharsets.UTF_8.equals(out.charset());
        try (Endpoint endpoint = new Endpoint(url, TIMEOUT)) {
            return once ? once(endpoint, out, err, unicode) : live(endpoint, out, err, unicode);
        }
    }

    /**
     * The endpoint a user named: a URL as it is; {@code host:port} over HTTP; a port alone on loopback.
     *
     * @throws IllegalArgumentException if it is none of those
     */
    static URI endpointUrl(String target) {
        String s = target;
        if (s.chars().allMatch(Character::isDigit) && !s.isEmpty()) {
            s = "http://127.0.0.1:" + s;
        } else if (!s.contains("://")) {
            s = "http://" + s;
        }
        try {
            URI uri = new URI(s);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("'" + target + "' is not an http:// URL");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("'" + target + "' names no host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + target + "' is not a URL: " + e.getReason());
        }
    }

    private static int once(Endpoint endpoint, PrintStream out, PrintStream err, boolean unicode) {
        try {
            Snapshot snapshot = endpoint.snapshot();
            Renderer.Screen screen = new Renderer.Screen(Integer.MAX_VALUE, Integer.MAX_VALUE, unicode,
                    ZoneId.systemDefault());
            Renderer.Frame frame = Renderer.render(ViewState.INITIAL,
                    new Renderer.Data(endpoint.url(), snapshot, null, null), screen);
            for (String line : frame.lines()) {
                out.println(line);
            }
            out.flush();
            return OK;
        } catch (Endpoint.Unavailable e) {
            err.println("weft-console: " + e.getMessage());
            return e.reached() ? BAD_ANSWER : UNREACHABLE;
        }
    }

    private static int live(Endpoint endpoint, PrintStream out, PrintStream err, boolean unicode) {
        Terminal terminal;
        try {
            terminal = Terminal.open(out);
        } catch (IOException e) {
            err.println("weft-console: " + e.getMessage() + "; --once prints one snapshot without a terminal");
            return NO_TERMINAL;
        }
        try (terminal) {
            TerminalView view = new TerminalView(endpoint, terminal, unicode);
            view.readKeys();
            view.loop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OK;
    }

    /** A daemon thread turns what is typed into keys; the end of input (the terminal went away) quits. */
    private void readKeys() {
        Thread.ofPlatform().daemon().name("weft-console-keys").start(() -> {
            byte[] buffer = new byte[64];
            try (InputStream in = terminal.input()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    keys.addAll(Key.decode(buffer, n));
                }
            } catch (IOException e) {
                // The terminal is gone: the only thing left to do is quit, below.
            }
            keys.add(Key.QUIT);
        });
    }

    /** Refreshes every second and redraws after every key, until {@link Key#QUIT}. */
    private void loop() throws InterruptedException {
        long nextRefresh = System.nanoTime();
        while (true) {
            if (System.nanoTime() - nextRefresh >= 0) {
                refresh();
                nextRefresh = System.nanoTime() + REFRESH_NANOS;
            }
            draw();
            Key key = keys.poll(Math.max(0, nextRefresh - System.nanoTime()), TimeUnit.NANOSECONDS);
            for (; key != null; key = keys.poll()) {
                if (key == Key.QUIT) {
                    return;
                }
                long wasOpen = view.openId();
                List<Snapshot.Task> shown = snapshot == null ? List.of() : view.sort().apply(snapshot.tasks());
                view = view.on(key, shown, pageRows);
                if (view.openId() != wasOpen) {
                    detail = null;
                    if (view.detailOpen()) {
                        fetchDetail();
                    }
                }
            }
        }
    }

    private void refresh() {
        int[] size = terminal.size();
        rows = size[0];
        columns = size[1];
        try {
            snapshot = endpoint.snapshot();
            problem = null;
            if (view.detailOpen()) {
                detail = endpoint.task(view.openId());
            }
        } catch (Endpoint.Unavailable e) {
            problem = e.getMessage() + "; retrying";
        }
    }

    private void fetchDetail() {
        try {
            detail = endpoint.task(view.openId());
        } catch (Endpoint.Unavailable e) {
            problem = e.getMessage() + "; retrying";
        }
    }

    private void draw() {
        Renderer.Screen screen = new Renderer.Screen(columns, rows, unicode, zone);
        Renderer.Frame frame = Renderer.render(view, new Renderer.Data(endpoint.url(), snapshot, detail, problem),
                screen);
        view = view.clampScroll(frame.maxScroll());
        pageRows = Math.max(1, frame.pageRows());
        terminal.draw(frame, columns);
    }
}
