package dev.weft.console.tui;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns what the endpoint said, and what the user chose to look at, into the lines of one screen. A pure
 * function: no terminal, no clock, no network, so every screen can be checked in a unit test. The lines
 * are plain text (no escape sequences), none longer than the screen is wide; {@link Terminal} adds the
 * highlight of the selected row. Long names are cut with an ellipsis; a task's body (a class name) is
 * cut at its start, since its end says the most.
 *
 * <p>Text that came from the program being watched (task names, span fields, stack frames) is shown with
 * its control characters replaced by {@code ?}, so a name holding an escape sequence cannot drive the
 * terminal.
 */
final class Renderer {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final int MIN_NAME_WIDTH = 16;
    private static final int NUMBER_WIDTH = 6;

    private Renderer() {
    }

    /**
     * What there is to show.
     *
     * @param url      the endpoint, as the user named it
     * @param snapshot the last answer, or null before the first one
     * @param detail   the open task's detail, or null when none is open or the task is gone
     * @param problem  why the last refresh failed (shown instead of the clock), or null
     */
    record Data(String url, Snapshot snapshot, TaskDetail detail, String problem) {
    }

    /**
     * The screen to draw on.
     *
     * @param width   columns
     * @param height  rows, or {@link Integer#MAX_VALUE} for a plain snapshot: every task, no key help
     * @param unicode whether the terminal takes Unicode (else ASCII stand-ins for the ellipsis and bars)
     * @param zone    the time zone of the clock shown
     */
    record Screen(int width, int height, boolean unicode, ZoneId zone) {
        boolean interactive() {
            return height != Integer.MAX_VALUE;
        }

        String ellipsis() {
            return unicode ? "\u2026" : "~";
        }

        String dot() {
            return unicode ? " \u00b7 " : " | ";
        }

        String micro() {
            return unicode ? "\u00b5s" : "us";
        }

        /** Nine levels of a bar, from empty to full. */
        String bars() {
            return unicode ? " \u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588" : " .:-=+*#@";
        }

        String sortMark() {
            return unicode ? "\u25bc" : "*";
        }
    }

    /**
     * One screen.
     *
     * @param lines        the lines from the top, each at most the screen's width
     * @param selectedLine which line holds the selected task (to highlight), or -1
     * @param maxScroll    how far the open detail can scroll (0 when it fits or none is open)
     * @param pageRows     how many task rows fit, for page up and page down
     */
    record Frame(List<String> lines, int selectedLine, int maxScroll, int pageRows) {
    }

    /** Draws the table, or the open task's detail. */
    static Frame render(ViewState view, Data data, Screen screen) {
        return view.detailOpen() ? detail(view, data, screen) : table(view, data, screen);
    }

    // ---- the task table ----

    private static Frame table(ViewState view, Data data, Screen screen) {
        List<String> lines = new ArrayList<>();
        Snapshot snap = data.snapshot();
        if (snap == null) {
            lines.add("weft-console" + screen.dot() + data.url());
            lines.add(data.problem() != null ? data.problem() : "connecting" + screen.ellipsis());
            return new Frame(fitAll(lines, screen), -1, 0, 0);
        }
        header(snap, screen, lines);
        lines.add(status(view, data, screen));
        List<Snapshot.Task> sorted = view.sort().apply(snap.tasks());
        Columns columns = Columns.of(sorted, screen);
        lines.add(columns.header(view.sort(), screen));

        int footer = screen.interactive() ? 1 : 0;
        int rows = screen.interactive() ? Math.max(1, screen.height() - lines.size() - footer) : sorted.size();
        int selected = screen.interactive() ? view.selectedRow(sorted) : -1;
        int top = selected < rows ? 0 : selected - rows + 1;
        int selectedLine = -1;
        for (int i = top; i < sorted.size() && i < top + rows; i++) {
            if (i == selected) {
                selectedLine = lines.size();
            }
            lines.add(columns.row(sorted.get(i), screen));
        }
        if (sorted.isEmpty()) {
            lines.add("(no live tasks)");
        }
        if (screen.interactive()) {
            while (lines.size() < screen.height() - 1) {
                lines.add("");
            }
            String range = sorted.size() > rows
                    ? "rows " + (top + 1) + "-" + Math.min(sorted.size(), top + rows) + " of " + sorted.size() + "   "
                    : "";
            lines.add(range + "b busy  i idle  p polls  up/down or j/k select  Enter detail  q quit");
        }
        return new Frame(fitAll(lines, screen), selectedLine, 0, rows);
    }

    /** The runtime line, the workers, and runtime-wide warnings. */
    private static void header(Snapshot snap, Screen screen, List<String> lines) {
        Snapshot.Metrics m = snap.metrics();
        long warned = snap.tasks().stream().filter(t -> !t.warnings().isEmpty()).count();
        List<String> parts = new ArrayList<>();
        parts.add(clean(snap.runtime()));
        if (m == null) {
            parts.add(plural(snap.tasks().size(), "live task"));
        } else {
            parts.add(plural(m.liveTasks(), "live task"));
            parts.add("polls " + count(m.polls()));
            parts.add("steals " + count(m.steals()));
            parts.add("inject queue " + m.injectQueueDepth());
            parts.add("blocking pool " + plural(m.blockingThreads(), "thread") + " (" + m.blockingIdleThreads()
                    + " idle, " + m.blockingQueueDepth() + " queued)");
            parts.add(plural(m.blockingReports(), "blocking report"));
            if (m.pinnedAwaits() > 0) {
                parts.add(plural(m.pinnedAwaits(), "pinned await"));
            }
        }
        if (warned > 0) {
            parts.add(plural(warned, "task") + " with warnings");
        }
        wrap(parts, screen, lines);
        if (m != null) {
            workers(m, screen, lines);
        }
        for (Snapshot.Warning w : snap.runtimeWarnings()) {
            lines.add("! " + clean(w.lint()) + ": " + clean(w.message()));
        }
    }

    /** Parts joined by dots, as many to a line as fit; the lines after the first indented. */
    private static void wrap(List<String> parts, Screen screen, List<String> lines) {
        StringBuilder line = new StringBuilder();
        for (String part : parts) {
            if (line.isEmpty()) {
                line.append(part);
            } else if ((long) width(line.toString()) + width(screen.dot()) + width(part) <= screen.width()) {
                line.append(screen.dot()).append(part);
            } else {
                lines.add(line.toString());
                line = new StringBuilder("  ").append(part);
            }
        }
        lines.add(line.toString());
    }

    /** One cell per worker, as many to a line as fit (at most four, so they line up in columns). */
    private static void workers(Snapshot.Metrics m, Screen screen, List<String> lines) {
        if (!m.multiThread() || m.workers().isEmpty()) {
            lines.add("  current-thread runtime: no workers");
            return;
        }
        List<String> cells = new ArrayList<>();
        for (Snapshot.Worker w : m.workers()) {
            cells.add("w" + w.index() + " " + (w.idle() ? "idle" : "busy") + " polls " + count(w.polls())
                    + " queue " + w.queueDepth());
        }
        int cellWidth = cells.stream().mapToInt(Renderer::width).max().orElse(0);
        // Cells are three spaces apart after a two-space indent; long arithmetic, as a plain snapshot is
        // Integer.MAX_VALUE wide.
        int perLine = (int) Math.max(1, Math.min(4, (screen.width() + 1L) / (cellWidth + 3)));
        for (int i = 0; i < cells.size(); i += perLine) {
            StringBuilder line = new StringBuilder("  ");
            for (int j = i; j < Math.min(cells.size(), i + perLine); j++) {
                boolean last = j == Math.min(cells.size(), i + perLine) - 1;
                line.append(last ? cells.get(j) : pad(cells.get(j), cellWidth) + "   ");
            }
            lines.add(line.toString());
        }
    }

    private static String status(ViewState view, Data data, Screen screen) {
        Snapshot snap = data.snapshot();
        String when = CLOCK.format(Instant.ofEpochMilli(snap.nowMillis()).atZone(screen.zone()));
        if (data.problem() != null) {
            return data.problem() + " (showing the answer from " + when + ")";
        }
        return data.url() + screen.dot() + when + screen.dot() + plural(snap.tasks().size(), "task")
                + ", sorted by " + view.sort().label;
    }

    /** A number column of the table; the last two are the first left out of a narrow screen. */
    private enum Measure {
        POLLS("POLLS", ViewState.Sort.POLLS),
        BUSY("BUSY", ViewState.Sort.BUSY),
        IDLE("IDLE", ViewState.Sort.IDLE),
        SCHED("SCHED", null),
        WAKES("WAKES", null);

        final String title;
        final ViewState.Sort sort;

        Measure(String title, ViewState.Sort sort) {
            this.title = title;
            this.sort = sort;
        }

        String of(Snapshot.Task t, Screen screen) {
            return switch (this) {
                case POLLS -> count(t.polls());
                case BUSY -> duration(t.busyNanos(), screen);
                case IDLE -> duration(t.idleNanos(), screen);
                case SCHED -> duration(t.scheduledNanos(), screen);
                case WAKES -> count(t.wakes());
            };
        }
    }

    /**
     * The table's columns, fitted to the screen: the name gets what it needs, down to
     * {@value #MIN_NAME_WIDTH} columns; past that, wakes and then scheduled time are left out; the
     * warnings get the rest, and are left out below a few columns (the header still counts them).
     */
    private record Columns(int id, int name, int state, List<Measure> measures, int warnings) {
        static Columns of(List<Snapshot.Task> tasks, Screen screen) {
            int id = 2;
            int name = 4;
            int state = 5;
            int warnings = 0;
            for (Snapshot.Task t : tasks) {
                id = Math.max(id, Long.toString(t.id()).length());
                name = Math.max(name, width(clean(t.label())));
                state = Math.max(state, Math.min(16, width(clean(t.state()))));
                warnings = Math.max(warnings, width(warnings(t)));
            }
            List<Measure> measures = new ArrayList<>(List.of(Measure.values()));
            int room;
            while (true) {
                // Two spaces around the name and the state, one before each number, two before warnings.
                int fixed = id + 2 + 2 + state + 1 + measures.size() * (NUMBER_WIDTH + 1) + (warnings > 0 ? 2 : 0);
                room = screen.width() - fixed;
                if (room >= Math.min(name, MIN_NAME_WIDTH) || measures.size() == 3) {
                    break;
                }
                measures.removeLast();
            }
            int nameWidth = Math.max(Math.min(name, MIN_NAME_WIDTH), Math.min(name, room - warnings));
            int warningsWidth = Math.min(warnings, room - nameWidth);
            return new Columns(id, nameWidth, state, List.copyOf(measures), warningsWidth < 4 ? 0 : warningsWidth);
        }

        String header(ViewState.Sort sort, Screen screen) {
            StringBuilder line = new StringBuilder(padLeft("ID", id) + "  " + pad("TASK", name) + "  "
                    + pad("STATE", state) + " ");
            for (Measure m : measures) {
                line.append(' ').append(padLeft(m.title + (m.sort == sort ? screen.sortMark() : ""), NUMBER_WIDTH));
            }
            if (warnings > 0) {
                line.append("  WARNINGS");
            }
            return line.toString();
        }

        String row(Snapshot.Task t, Screen screen) {
            String label = t.name() != null
                    ? fit(clean(t.name()), name, screen)
                    : fitStart(clean(t.body()), name, screen);
            StringBuilder line = new StringBuilder(padLeft(Long.toString(t.id()), id) + "  " + pad(label, name)
                    + "  " + pad(fit(clean(t.state()), state, screen), state) + " ");
            for (Measure m : measures) {
                line.append(' ').append(padLeft(m.of(t, screen), NUMBER_WIDTH));
            }
            if (warnings > 0 && !t.warnings().isEmpty()) {
                line.append("  ").append(fit(warnings(t), warnings, screen));
            }
            return line.toString();
        }

        /** The kinds of a task's warnings, comma-separated. */
        static String warnings(Snapshot.Task t) {
            List<String> lints = new ArrayList<>();
            for (Snapshot.Warning w : t.warnings()) {
                lints.add(clean(w.lint()));
            }
            return String.join(", ", lints);
        }
    }

    // ---- one task's detail ----

    private static Frame detail(ViewState view, Data data, Screen screen) {
        TaskDetail d = data.detail();
        List<String> body = new ArrayList<>();
        String title;
        if (d == null) {
            title = "task " + view.openId();
            body.add("Task " + view.openId() + " is no longer live: it completed or was cancelled.");
        } else {
            Snapshot.Task t = d.task();
            title = "task " + t.id() + (t.name() != null ? " \"" + clean(t.name()) + "\"" : "") + screen.dot()
                    + clean(t.state());
            detailBody(d, screen, body);
        }
        if (data.problem() != null) {
            title += screen.dot() + data.problem();
        }
        if (!screen.interactive()) {
            List<String> lines = new ArrayList<>();
            lines.add(title);
            lines.addAll(body);
            return new Frame(fitAll(lines, screen), -1, 0, 0);
        }
        int room = Math.max(1, screen.height() - 2);
        int maxScroll = Math.max(0, body.size() - room);
        int scroll = Math.min(view.detailScroll(), maxScroll);
        List<String> lines = new ArrayList<>();
        lines.add(title);
        lines.addAll(body.subList(scroll, Math.min(body.size(), scroll + room)));
        while (lines.size() < screen.height() - 1) {
            lines.add("");
        }
        String more = maxScroll > 0 ? "lines " + (scroll + 1) + "-" + Math.min(body.size(), scroll + room)
                + " of " + body.size() + "   " : "";
        lines.add(more + "Esc or Backspace back  up/down or j/k scroll  q quit");
        return new Frame(fitAll(lines, screen), -1, maxScroll, room);
    }

    private static void detailBody(TaskDetail d, Screen screen, List<String> out) {
        Snapshot.Task t = d.task();
        String dot = screen.dot();
        out.add("body       " + clean(t.body()));
        if (t.location() != null) {
            out.add("location   " + clean(t.location()));
        }
        if (t.parentId() != 0) {
            out.add("parent     task " + t.parentId());
        }
        out.add("polls      " + count(t.polls()) + dot + "busy " + duration(t.busyNanos(), screen) + dot
                + "scheduled " + duration(t.scheduledNanos(), screen) + dot + "idle "
                + duration(t.idleNanos(), screen) + dot + "age " + duration(t.ageNanos(), screen));
        out.add("wakes      " + count(t.wakes()) + " (" + count(t.selfWakes()) + " from its own polls)");
        if (t.span() != null) {
            StringBuilder span = new StringBuilder("span       " + clean(t.span().name()) + " #" + t.span().id());
            for (Map.Entry<String, String> f : t.span().fields().entrySet()) {
                span.append("  ").append(clean(f.getKey())).append('=').append(clean(f.getValue()));
            }
            out.add(span.toString());
        }
        for (Snapshot.Warning w : t.warnings()) {
            out.add("warning    " + clean(w.lint()) + ": " + clean(w.message()));
        }

        out.add("");
        out.add("Spawned");
        for (String s : d.site()) {
            out.add("  " + clean(s));
        }

        out.add("");
        out.add("Poll times (sampled polls, by duration: at least the label, less than the next)");
        histogram(d.pollTimes(), screen, out);

        out.add("");
        out.add("Suspended at");
        if (d.suspendedAt().isEmpty()) {
            out.add("  (not a suspended async block)");
        }
        for (String frame : d.suspendedAt()) {
            out.add("  " + clean(frame));
        }

        out.add("");
        out.add("Blocking");
        if (d.blocking().isEmpty()) {
            out.add("  (never reported as blocking a worker)");
        }
        for (TaskDetail.Blocking b : d.blocking()) {
            out.add("  " + clean(b.worker()) + ": blocked for " + duration(b.blockedForNanos(), screen)
                    + (b.ongoing() ? ", still blocking" : ""));
            for (String frame : b.stack()) {
                out.add("    " + clean(frame));
            }
        }
    }

    /**
     * The poll-time histogram as three rows: a bar per bucket (its height is its share of the fullest
     * bucket, in eighths), the counts, and each bucket's lower bound. Only the buckets from the first
     * to the last that holds a poll.
     */
    static void histogram(List<Long> buckets, Screen screen, List<String> out) {
        int first = -1;
        int last = -1;
        long max = 0;
        for (int i = 0; i < buckets.size(); i++) {
            if (buckets.get(i) > 0) {
                first = first < 0 ? i : first;
                last = i;
                max = Math.max(max, buckets.get(i));
            }
        }
        if (first < 0) {
            out.add("  (no poll sampled yet)");
            return;
        }
        String levels = screen.bars();
        StringBuilder bars = new StringBuilder("  ");
        StringBuilder counts = new StringBuilder("  ");
        StringBuilder labels = new StringBuilder("  ");
        for (int i = first; i <= last; i++) {
            long n = buckets.get(i);
            String label = bucketLabel(i, screen);
            String c = count(n);
            int w = Math.max(5, Math.max(width(label), c.length()));
            int level = n == 0 ? 0 : (int) Math.max(1, Math.round(n * 8.0 / max));
            bars.append(String.valueOf(levels.charAt(level)).repeat(w)).append(' ');
            counts.append(padLeft(c, w)).append(' ');
            labels.append(padLeft(label, w)).append(' ');
        }
        out.add(bars.toString().stripTrailing());
        out.add(counts.toString().stripTrailing());
        out.add(labels.toString().stripTrailing());
    }

    /** Bucket 0 holds polls under 1 µs; bucket i, those of at least 2^(i-1) µs. */
    static String bucketLabel(int bucket, Screen screen) {
        if (bucket == 0) {
            return "<1" + screen.micro();
        }
        long micros = 1L << (bucket - 1);
        if (micros < 1_000) {
            return micros + screen.micro();
        }
        if (micros < 1_000_000) {
            return Math.round(micros / 1_000.0) + "ms";
        }
        return Math.round(micros / 1_000_000.0) + "s";
    }

    // ---- numbers and text ----

    /** A duration in at most six columns: 850ns, 1.2µs, 340ms, 12s, 3m05s, 2h10m, 4d03h. */
    static String duration(long nanos, Screen screen) {
        if (nanos < 1_000) {
            return nanos + "ns";
        }
        if (nanos < 1_000_000) {
            return scaled(nanos / 1_000.0, screen.micro());
        }
        if (nanos < 1_000_000_000) {
            return scaled(nanos / 1_000_000.0, "ms");
        }
        long seconds = nanos / 1_000_000_000;
        if (seconds < 60) {
            return scaled(nanos / 1_000_000_000.0, "s");
        }
        if (seconds < 3_600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", seconds / 3_600, seconds % 3_600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", seconds / 86_400, seconds % 86_400 / 3_600);
    }

    /**
     * One decimal under 10 (1.2ms), none from there (340ms, cut rather than rounded, so 999.7 stays in
     * its unit instead of becoming a four-digit 1000).
     */
    private static String scaled(double value, String unit) {
        if (value < 9.95) {
            return String.format(Locale.ROOT, "%.1f%s", value, unit);
        }
        return Math.max(10, (long) value) + unit;
    }

    /** A count in at most six columns: 999999, then 1.2M, 34M, 5.6G. */
    static String count(long n) {
        if (n < 1_000_000) {
            return Long.toString(n);
        }
        if (n < 1_000_000_000) {
            return scaled(n / 1_000_000.0, "M");
        }
        return scaled(n / 1_000_000_000.0, "G");
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** Control characters (C0, DEL, C1) replaced by {@code ?}: text from the watched program is shown, never obeyed. */
    static String clean(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                if (out == null) {
                    out = new StringBuilder(s.substring(0, i));
                }
                out.append('?');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    /** Columns taken: one per code point (wide East Asian characters are counted as one). */
    static int width(String s) {
        return s.codePointCount(0, s.length());
    }

    /** {@code s} cut to {@code width} columns, its end replaced by an ellipsis when cut. */
    static String fit(String s, int width, Screen screen) {
        if (width(s) <= width) {
            return s;
        }
        if (width <= 0) {
            return "";
        }
        return s.substring(0, s.offsetByCodePoints(0, width - 1)) + screen.ellipsis();
    }

    /** {@code s} cut to {@code width} columns, its start replaced by an ellipsis when cut. */
    static String fitStart(String s, int width, Screen screen) {
        int w = width(s);
        if (w <= width) {
            return s;
        }
        if (width <= 0) {
            return "";
        }
        return screen.ellipsis() + s.substring(s.offsetByCodePoints(0, w - (width - 1)));
    }

    private static List<String> fitAll(List<String> lines, Screen screen) {
        List<String> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            out.add(fit(line, screen.width(), screen));
        }
        if (screen.interactive() && out.size() > screen.height()) {
            return out.subList(0, screen.height());
        }
        return out;
    }

    private static String pad(String s, int width) {
        int w = width(s);
        return w >= width ? s : s + " ".repeat(width - w);
    }

    private static String padLeft(String s, int width) {
        int w = width(s);
        return w >= width ? s : " ".repeat(width - w) + s;
    }
}
