package dev.weft.console.tui;

import static dev.weft.console.tui.Fixtures.URL;
import static dev.weft.console.tui.Fixtures.ascii;
import static dev.weft.console.tui.Fixtures.data;
import static dev.weft.console.tui.Fixtures.detail;
import static dev.weft.console.tui.Fixtures.plain;
import static dev.weft.console.tui.Fixtures.screen;
import static dev.weft.console.tui.Fixtures.snapshot;
import static dev.weft.console.tui.Fixtures.task;
import static dev.weft.console.tui.Fixtures.unnamed;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendererTest {
    private static final Snapshot.Warning BLOCKING = new Snapshot.Warning("blocking", "blocked weft-1-worker-0 for 120ms");
    private static final Snapshot.Warning NEVER_YIELDED = new Snapshot.Warning("never-yielded", "polled for 2s without a yield");

    @Test
    void theTableIsSortedByBusyTimeByDefaultWithTiesInIdOrder() {
        Snapshot s = snapshot(task(1, "main", 5, 100, 3), task(2, "accept", 40, 10, 7), task(3, "purge", 5, 1, 900),
                task(4, "conn", 12, 50, 30));

        Renderer.Frame frame = Renderer.render(ViewState.INITIAL, data(s), screen(100, 20));

        assertThat(rowIds(frame)).containsExactly(2L, 4L, 1L, 3L);
        assertThat(frame.lines()).anySatisfy(l -> assertThat(l).contains("BUSY\u25bc").doesNotContain("IDLE\u25bc"));
        assertThat(frame.lines()).anySatisfy(l -> assertThat(l).endsWith("4 tasks, sorted by busy"));
    }

    @Test
    void theSortKeysReorderTheTableAndMoveTheMark() {
        Snapshot s = snapshot(task(1, "main", 5, 100, 3), task(2, "accept", 40, 10, 7), task(3, "purge", 5, 1, 900));
        List<Snapshot.Task> tasks = s.tasks();

        ViewState byIdle = ViewState.INITIAL.on(Key.SORT_BY_IDLE, tasks, 10);
        Renderer.Frame idle = Renderer.render(byIdle, data(s), screen(100, 20));
        assertThat(rowIds(idle)).containsExactly(1L, 2L, 3L);
        assertThat(idle.lines()).anySatisfy(l -> assertThat(l).contains("IDLE\u25bc").doesNotContain("BUSY\u25bc"));

        ViewState byPolls = byIdle.on(Key.SORT_BY_POLLS, tasks, 10);
        Renderer.Frame polls = Renderer.render(byPolls, data(s), ascii(100, 20));
        assertThat(rowIds(polls)).containsExactly(3L, 2L, 1L);
        assertThat(header(polls)).contains("POLLS*");
        assertThat(polls.lines()).anySatisfy(l -> assertThat(l).endsWith("sorted by polls"));

        assertThat(rowIds(Renderer.render(byPolls.on(Key.SORT_BY_BUSY, tasks, 10), data(s), screen(100, 20))))
                .containsExactly(2L, 1L, 3L);
    }

    @Test
    void aLongNameIsCutAtItsEndAndABodyAtItsStart() {
        Snapshot s = snapshot(task(1, "a name far too long for an eighty column terminal to show", 1, 1, 1),
                unnamed(2, "dev.weft.example.deeply.nested.pkg.SomeHandler (lambda)"));

        List<String> rows = rows(Renderer.render(ViewState.INITIAL, data(s), screen(80, 20)));

        assertThat(rows.get(0)).startsWith(" 1  a name far too long for an e\u2026  idle ").hasSize(80);
        assertThat(rows.get(1)).startsWith(" 2  \u2026ted.pkg.SomeHandler (lambda)  scheduled ");
        assertThat(rows(Renderer.render(ViewState.INITIAL, data(s), ascii(80, 20))).get(0))
                .startsWith(" 1  a name far too long for an e~  idle ");
        // Beside warnings the name yields, down to 16 columns.
        Snapshot warned = snapshot(task(1, "a name far too long for an eighty column terminal to show", 1, 1, 1,
                BLOCKING, NEVER_YIELDED));
        assertThat(rows(Renderer.render(ViewState.INITIAL, data(warned), screen(80, 20))).get(0))
                .startsWith(" 1  a name far too \u2026  idle ").endsWith("  blocking, neve\u2026").hasSize(80);
    }

    @Test
    void noLineIsWiderOrTheFrameTallerThanTheScreen() {
        List<Snapshot.Task> many = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            many.add(task(i, "task number " + i + " with a longish name", i, 100 - i, i * 7L,
                    i % 3 == 0 ? new Snapshot.Warning[] {BLOCKING, NEVER_YIELDED} : new Snapshot.Warning[0]));
        }
        many.add(unnamed(99, "dev.weft.example.SomeVeryLongClassNameThatKeepsGoing$$Lambda/0x00007f (lambda)"));
        Snapshot s = snapshot(many.toArray(Snapshot.Task[]::new));
        ViewState open = new ViewState(ViewState.Sort.BUSY, 3, 0, 3, 0);
        Renderer.Data withDetail = new Renderer.Data(URL, s, detail(many.get(2)), null);

        for (int width = 10; width <= 200; width += 7) {
            for (int height : new int[] {3, 8, 24, 60}) {
                for (Renderer.Screen screen : List.of(screen(width, height), ascii(width, height))) {
                    for (Renderer.Frame f : List.of(Renderer.render(ViewState.INITIAL, data(s), screen),
                            Renderer.render(open, withDetail, screen))) {
                        assertThat(f.lines()).hasSizeLessThanOrEqualTo(height);
                        for (String line : f.lines()) {
                            assertThat(Renderer.width(line)).as("%s at %dx%d", line, width, height)
                                    .isLessThanOrEqualTo(width);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aNarrowScreenLeavesOutWakesThenScheduledTime() {
        Snapshot s = snapshot(task(1, "accept connections on port 6379", 1, 1, 1));

        // Whole columns go, never half of one: each screen's last column ends in full.
        Renderer.Frame wide = Renderer.render(ViewState.INITIAL, data(s), screen(80, 20));
        assertThat(header(wide)).endsWith("SCHED  WAKES");
        assertThat(rows(wide).getFirst()).endsWith("20\u00b5s      1");
        Renderer.Frame narrower = Renderer.render(ViewState.INITIAL, data(s), screen(60, 20));
        assertThat(header(narrower)).endsWith("IDLE  SCHED");
        assertThat(rows(narrower).getFirst()).endsWith("1.0ms   20\u00b5s").hasSizeLessThanOrEqualTo(60);
        Renderer.Frame narrowest = Renderer.render(ViewState.INITIAL, data(s), screen(52, 20));
        assertThat(header(narrowest)).endsWith("POLLS  BUSY\u25bc   IDLE");
        assertThat(rows(narrowest).getFirst()).endsWith("1.0ms  1.0ms").hasSizeLessThanOrEqualTo(52);
    }

    @Test
    void aPlainSnapshotShowsEveryTaskUncutWithoutKeyHelp() {
        List<Snapshot.Task> many = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            many.add(task(i, "a name far too long for an eighty column terminal to show, number " + i, i, 1, 1));
        }
        Renderer.Frame frame = Renderer.render(ViewState.INITIAL, data(snapshot(many.toArray(Snapshot.Task[]::new))),
                plain());

        assertThat(rowIds(frame)).hasSize(200).startsWith(200L, 199L);
        assertThat(frame.lines()).anySatisfy(l -> assertThat(l).contains("to show, number 200  idle"));
        assertThat(frame.lines()).noneSatisfy(l -> assertThat(l).contains("q quit"));
        assertThat(frame.selectedLine()).isEqualTo(-1);
    }

    @Test
    void warningsAreShownInTheTableTheHeaderAndTheDetail() {
        Snapshot.Task blocker = task(2, "blocker", 900, 1, 3, BLOCKING, NEVER_YIELDED);
        Snapshot s = new Snapshot("weft-1", Fixtures.NOW, List.of(task(1, "main", 1, 1, 1), blocker),
                Fixtures.metrics(2, Fixtures.worker(0, 1, 0, false)),
                List.of(new Snapshot.Warning("one-task", "one task did 97% of the polls")));

        Renderer.Frame table = Renderer.render(ViewState.INITIAL, data(s), screen(120, 20));
        assertThat(String.join("\n", table.lines()))
                .contains("1 task with warnings")
                .contains("2 blocking reports")
                .contains("! one-task: one task did 97% of the polls");
        assertThat(header(table)).endsWith("WARNINGS");
        assertThat(rows(table).get(0)).startsWith(" 2  blocker").endsWith("blocking, never-yielded");
        assertThat(rows(table).get(1)).startsWith(" 1  main").doesNotContain("blocking");

        Renderer.Frame detail = Renderer.render(new ViewState(ViewState.Sort.BUSY, 2, 0, 2, 0),
                new Renderer.Data(URL, s, detail(blocker), null), screen(120, 60));
        assertThat(detail.lines()).contains(
                "warning    blocking: blocked weft-1-worker-0 for 120ms",
                "warning    never-yielded: polled for 2s without a yield");
    }

    @Test
    void theSelectedTaskIsHighlightedAndKeptOnScreen() {
        List<Snapshot.Task> many = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            many.add(task(i, "t" + i, 100 - i, 1, 1));
        }
        Snapshot s = snapshot(many.toArray(Snapshot.Task[]::new));
        Renderer.Frame first = Renderer.render(ViewState.INITIAL, data(s), screen(100, 12));
        assertThat(first.lines().get(first.selectedLine())).startsWith(" 1  t1 ");

        ViewState view = ViewState.INITIAL;
        for (int i = 0; i < 20; i++) {
            view = view.on(Key.DOWN, ViewState.Sort.BUSY.apply(s.tasks()), first.pageRows());
        }
        Renderer.Frame moved = Renderer.render(view, data(s), screen(100, 12));

        assertThat(moved.lines()).hasSize(12);
        assertThat(moved.lines().get(moved.selectedLine())).startsWith("21  t21 ");
        assertThat(moved.lines().getLast()).startsWith("rows " + (21 - moved.pageRows() + 1) + "-21 of 30");
    }

    @Test
    void controlCharactersFromTheWatchedProgramNeverReachTheTerminal() {
        Snapshot.Task evil = new Snapshot.Task(1, "evil\u001b[2J\u0007name", "Body\u009b31m", null, 0,
                "idle", 1, 1, 1, 1, 1, 1, 0, new Snapshot.Span(1, "s\r", Map.of("k\n", "v\u001b")),
                List.of(new Snapshot.Warning("lint\u001b", "msg\u001b")));
        Snapshot s = snapshot(evil);

        List<String> all = new ArrayList<>(Renderer.render(ViewState.INITIAL, data(s), screen(120, 20)).lines());
        all.addAll(Renderer.render(new ViewState(ViewState.Sort.BUSY, 1, 0, 1, 0),
                new Renderer.Data(URL, s, detail(evil), null), screen(120, 60)).lines());

        assertThat(all).anySatisfy(l -> assertThat(l).contains("evil?[2J?name"));
        assertThat(all).allSatisfy(l -> assertThat(l.chars()).noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)));
    }

    @Test
    void theDetailShowsTheSiteTheHistogramTheSpanTheStackAndTheBlocking() {
        Snapshot.Task t = new Snapshot.Task(7, "accept", "dev.weft.example.Server (lambda)", "Server.java:88", 1,
                "idle", 40, 3_000_000, 20_000, 900_000_000, 903_020_000, 41, 2, Fixtures.span(), List.of());
        Snapshot s = snapshot(t);

        Renderer.Frame f = Renderer.render(new ViewState(ViewState.Sort.BUSY, 7, 0, 7, 0),
                new Renderer.Data(URL, s, detail(t), null), screen(100, 60));

        assertThat(f.lines()).startsWith(
                "task 7 \"accept\" \u00b7 idle",
                "body       dev.weft.example.Server (lambda)",
                "location   Server.java:88",
                "parent     task 1",
                "polls      40 \u00b7 busy 3.0ms \u00b7 scheduled 20\u00b5s \u00b7 idle 900ms \u00b7 age 903ms",
                "wakes      41 (2 from its own polls)",
                "span       conn #4  peer=127.0.0.1:5555",
                "",
                "Spawned",
                "  task 7 \"accept\" (body dev.weft.example.Server (lambda)) spawned at Server.java:88",
                "  spawned by task 1 (body dev.weft.example.Main (lambda))",
                "",
                "Poll times (sampled polls, by duration: at least the label, less than the next)",
                // Buckets 1 to 4 of [0, 3, 12, 0, 6]: bars in eighths of the fullest (12).
                "  \u2582\u2582\u2582\u2582\u2582 \u2588\u2588\u2588\u2588\u2588       \u2584\u2584\u2584\u2584\u2584",
                "      3    12     0     6",
                "    1\u00b5s   2\u00b5s   4\u00b5s   8\u00b5s",
                "",
                "Suspended at",
                "  dev.weft.net.TcpListener.accept(TcpListener.java:80)",
                "  dev.weft.example.Server.lambda$run$0(Server.java:91)",
                "",
                "Blocking",
                "  weft-1-worker-0: blocked for 120ms, still blocking",
                "    java.lang.Thread.sleep(Native Method)",
                "    dev.weft.example.Server.slow(Server.java:120)");
        assertThat(f.lines().getLast()).isEqualTo("Esc or Backspace back  up/down or j/k scroll  q quit");
    }

    @Test
    void histogramLabelsAreEachBucketsLowerBound() {
        Renderer.Screen u = screen(80, 24);
        assertThat(Renderer.bucketLabel(0, u)).isEqualTo("<1\u00b5s");
        assertThat(Renderer.bucketLabel(1, u)).isEqualTo("1\u00b5s");
        assertThat(Renderer.bucketLabel(10, u)).isEqualTo("512\u00b5s");
        assertThat(Renderer.bucketLabel(11, u)).isEqualTo("1ms");
        assertThat(Renderer.bucketLabel(20, u)).isEqualTo("524ms");
        assertThat(Renderer.bucketLabel(21, u)).isEqualTo("1s");
        assertThat(Renderer.bucketLabel(0, ascii(80, 24))).isEqualTo("<1us");

        List<String> none = new ArrayList<>();
        Renderer.histogram(List.of(0L, 0L), u, none);
        assertThat(none).containsExactly("  (no poll sampled yet)");
        List<String> asciiBars = new ArrayList<>();
        Renderer.histogram(List.of(1L, 100L), ascii(80, 24), asciiBars);
        assertThat(asciiBars.getFirst()).isEqualTo("  ..... @@@@@");
    }

    @Test
    void aLongDetailScrollsAndStopsAtItsEnd() {
        Snapshot.Task t = task(7, "accept", 1, 1, 1);
        Snapshot s = snapshot(t);
        Renderer.Data d = new Renderer.Data(URL, s, detail(t), null);
        ViewState open = new ViewState(ViewState.Sort.BUSY, 7, 0, 7, 0);

        Renderer.Frame top = Renderer.render(open, d, screen(100, 10));
        assertThat(top.maxScroll()).isPositive();
        assertThat(top.lines().get(1)).startsWith("body ");
        assertThat(top.lines().getLast()).startsWith("lines 1-8 of ");

        ViewState far = open;
        for (int i = 0; i < 100; i++) {
            far = far.on(Key.DOWN, s.tasks(), top.pageRows());
        }
        Renderer.Frame bottom = Renderer.render(far, d, screen(100, 10));
        assertThat(bottom.lines().get(8)).isEqualTo("    dev.weft.example.Server.slow(Server.java:120)");
        ViewState clamped = far.clampScroll(bottom.maxScroll());
        assertThat(clamped.detailScroll()).isEqualTo(top.maxScroll());
        assertThat(Renderer.render(clamped.on(Key.UP, s.tasks(), 8), d, screen(100, 10)).lines().get(8))
                .isEqualTo("    java.lang.Thread.sleep(Native Method)");
    }

    @Test
    void aTaskThatCompletedWhileOpenSaysSo() {
        Renderer.Frame f = Renderer.render(new ViewState(ViewState.Sort.BUSY, 7, 0, 7, 0),
                data(snapshot()), screen(100, 10));
        assertThat(f.lines()).contains("Task 7 is no longer live: it completed or was cancelled.");
    }

    @Test
    void anEndpointNotReachedYetIsTheWholeScreenAndLaterKeepsTheLastAnswer() {
        String problem = "cannot reach http://127.0.0.1:6380: connection refused; retrying";
        Renderer.Frame never = Renderer.render(ViewState.INITIAL, new Renderer.Data(URL, null, null, problem),
                screen(80, 24));
        assertThat(never.lines()).containsExactly("weft-console \u00b7 http://127.0.0.1:6380", problem);

        Renderer.Frame stale = Renderer.render(ViewState.INITIAL,
                new Renderer.Data(URL, snapshot(task(1, "accept", 1, 1, 1)), null, problem), screen(120, 24));
        assertThat(stale.lines()).contains(problem + " (showing the answer from 15:13:20)");
        assertThat(rowIds(stale)).containsExactly(1L);
    }

    @Test
    void workersArePackedIntoColumnsAndACurrentThreadRuntimeHasNone() {
        Snapshot.Worker[] four = {Fixtures.worker(0, 1, 0, true), Fixtures.worker(1, 22, 1, false),
                Fixtures.worker(2, 1_500_000, 30, true), Fixtures.worker(3, 4, 0, true)};
        Snapshot s = new Snapshot("weft-1", Fixtures.NOW, List.of(), Fixtures.metrics(0, four), List.of());

        List<String> wide = Renderer.render(ViewState.INITIAL, data(s), screen(200, 24)).lines();
        assertThat(wide).contains("  w0 idle polls 1 queue 0       w1 busy polls 22 queue 1      "
                + "w2 idle polls 1.5M queue 30   w3 idle polls 4 queue 0");
        List<String> narrow = Renderer.render(ViewState.INITIAL, data(s), screen(60, 24)).lines();
        assertThat(narrow).contains("  w0 idle polls 1 queue 0       w1 busy polls 22 queue 1",
                "  w2 idle polls 1.5M queue 30   w3 idle polls 4 queue 0");

        Snapshot single = new Snapshot("weft-ct", Fixtures.NOW, List.of(),
                new Snapshot.Metrics("weft-ct", false, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of()), List.of());
        assertThat(Renderer.render(ViewState.INITIAL, data(single), screen(80, 24)).lines())
                .contains("  current-thread runtime: no workers", "(no live tasks)");
    }

    @Test
    void durationsAndCountsFitSixColumns() {
        Renderer.Screen u = screen(80, 24);
        assertThat(Renderer.duration(0, u)).isEqualTo("0ns");
        assertThat(Renderer.duration(999, u)).isEqualTo("999ns");
        assertThat(Renderer.duration(1_240, u)).isEqualTo("1.2\u00b5s");
        assertThat(Renderer.duration(9_940, u)).isEqualTo("9.9\u00b5s");
        assertThat(Renderer.duration(9_960, u)).isEqualTo("10\u00b5s");
        assertThat(Renderer.duration(10_900, u)).isEqualTo("10\u00b5s");
        assertThat(Renderer.duration(999_999, u)).isEqualTo("999\u00b5s");
        assertThat(Renderer.duration(340_000_000, u)).isEqualTo("340ms");
        assertThat(Renderer.duration(12_400_000_000L, u)).isEqualTo("12s");
        assertThat(Renderer.duration(185_000_000_000L, u)).isEqualTo("3m05s");
        assertThat(Renderer.duration(7_800_000_000_000L, u)).isEqualTo("2h10m");
        assertThat(Renderer.duration(356_400_000_000_000L, u)).isEqualTo("4d03h");
        assertThat(Renderer.duration(1_240, ascii(80, 24))).isEqualTo("1.2us");
        assertThat(Renderer.count(999_999)).isEqualTo("999999");
        assertThat(Renderer.count(1_240_000)).isEqualTo("1.2M");
        assertThat(Renderer.count(34_000_000)).isEqualTo("34M");
        assertThat(Renderer.count(5_600_000_000L)).isEqualTo("5.6G");
    }

    /** The task ids of the table's rows, top to bottom. */
    static List<Long> rowIds(Renderer.Frame frame) {
        List<Long> ids = new ArrayList<>();
        for (String row : rows(frame)) {
            ids.add(Long.parseLong(row.strip().split("\\s+")[0]));
        }
        return ids;
    }

    /** The table's rows: the lines after the column titles that start with an id. */
    static List<String> rows(Renderer.Frame frame) {
        List<String> lines = frame.lines();
        int header = lines.indexOf(header(frame));
        List<String> rows = new ArrayList<>();
        for (String line : lines.subList(header + 1, lines.size())) {
            if (line.matches("\\s*\\d+ .*")) {
                rows.add(line);
            }
        }
        return rows;
    }

    static String header(Renderer.Frame frame) {
        return frame.lines().stream().filter(l -> l.strip().startsWith("ID ")).findFirst().orElseThrow();
    }
}
