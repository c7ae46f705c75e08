package dev.weft.console.tui;

import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** Snapshots made by hand for the renderer's and the view state's tests. */
final class Fixtures {
    /** 2025-11-26 15:13:20 UTC. */
    static final long NOW = 1_764_170_000_000L;
    static final String URL = "http://127.0.0.1:6380";

    private Fixtures() {
    }

    static Renderer.Screen screen(int width, int height) {
        return new Renderer.Screen(width, height, true, ZoneOffset.UTC);
    }

    static Renderer.Screen ascii(int width, int height) {
        return new Renderer.Screen(width, height, false, ZoneOffset.UTC);
    }

    static Renderer.Screen plain() {
        return new Renderer.Screen(Integer.MAX_VALUE, Integer.MAX_VALUE, true, ZoneOffset.UTC);
    }

    /** A named idle task; busy and idle in milliseconds. */
    static Snapshot.Task task(long id, String name, long busyMillis, long idleMillis, long polls,
                              Snapshot.Warning... warnings) {
        return new Snapshot.Task(id, name, "dev.weft.example.Server (lambda)", null, 1, "idle", polls,
                busyMillis * 1_000_000, 20_000, idleMillis * 1_000_000, (busyMillis + idleMillis) * 1_000_000 + 20_000,
                polls, 0, null, List.of(warnings));
    }

    static Snapshot.Task unnamed(long id, String body) {
        return new Snapshot.Task(id, null, body, null, 1, "scheduled", 1, 1_000, 0, 0, 1_000, 1, 0, null, List.of());
    }

    static Snapshot.Metrics metrics(int liveTasks, Snapshot.Worker... workers) {
        return new Snapshot.Metrics("weft-1", true, liveTasks, 0, 1234, 5, 1, 1, 0, 2, 0, List.of(workers));
    }

    static Snapshot.Worker worker(int index, long polls, int queue, boolean idle) {
        return new Snapshot.Worker(index, "weft-1-worker-" + index, polls, queue, idle, 0);
    }

    static Snapshot snapshot(Snapshot.Task... tasks) {
        return new Snapshot("weft-1", NOW, List.of(tasks),
                metrics(tasks.length, worker(0, 700, 0, true), worker(1, 534, 2, false)), List.of());
    }

    static Renderer.Data data(Snapshot snapshot) {
        return new Renderer.Data(URL, snapshot, null, null);
    }

    static TaskDetail detail(Snapshot.Task task) {
        return new TaskDetail(task,
                List.of("task 7 \"accept\" (body dev.weft.example.Server (lambda)) spawned at Server.java:88",
                        "spawned by task 1 (body dev.weft.example.Main (lambda))"),
                List.of(0L, 3L, 12L, 0L, 6L),
                List.of("dev.weft.net.TcpListener.accept(TcpListener.java:80)",
                        "dev.weft.example.Server.lambda$run$0(Server.java:91)"),
                List.of(new TaskDetail.Blocking("weft-1-worker-0", 120_000_000, true,
                        List.of("java.lang.Thread.sleep(Native Method)", "dev.weft.example.Server.slow(Server.java:120)"))));
    }

    static Snapshot.Span span() {
        return new Snapshot.Span(4, "conn", Map.of("peer", "127.0.0.1:5555"));
    }
}
